/**
 * The NumPy reference of the limiting NTK, shared by the benches that time against it: the recursion of
 * Nguyen–Mondelli–Montúfar 2021 (arXiv 2012.11654, Sec. 3) with ReLU, c_σ = 2, no biases, written as a Python
 * function `ntk(X, L)` to be prepended to a bench's script.
 */
export const NUMPY_LIMITING_NTK = `
def ntk(X, L):
    G = X @ X.T
    K = G.copy()
    for _ in range(1, L):
        nrm = np.sqrt(np.diag(G))
        c = np.clip(G / np.outer(nrm, nrm), -1.0, 1.0)
        th = np.arccos(c)
        Gdot = (np.pi - th) / np.pi
        G = np.outer(nrm, nrm) / np.pi * (np.sin(th) + (np.pi - th) * c)
        K = K * Gdot + G
    return K
`;
