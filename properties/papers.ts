/**
 * The papers the catalog's claims come from, each written once: authors, short title and arXiv id (a SourceRef,
 * src/theorem/types.ts, without its statement). A claim's source adds the statement it states in the version
 * read: `{ ...NMM_SOURCE, statement: 'Theorem 3.2 (v5)' }`.
 */

/** Arora, Du, Hu, Li, Wang, ICML 2019 (arXiv 1901.08584): training trajectory and generalisation of two-layer networks. */
export const ARORA_SOURCE = {
  paper: 'Arora, Du, Hu, Li, Wang — Fine-Grained Analysis of Optimization and Generalization for Overparameterized Two-Layer Neural Networks',
  arxiv: '1901.08584',
};

/** Du, Zhai, Póczos, Singh, ICLR 2019 (arXiv 1810.02054): H∞ and gradient descent on two-layer ReLU networks. */
export const DU_SOURCE = { paper: 'Du, Zhai, Póczos, Singh — Gradient Descent Provably Optimizes Over-parameterized Neural Networks', arxiv: '1810.02054' };

/** Murray, Jin, Bowman, Montúfar (arXiv 2211.07844): the power series of the NTK. */
export const MURRAY_SOURCE = {
  paper: 'Murray, Jin, Bowman, Montúfar — Characterizing the spectrum of the NTK via a power series expansion',
  arxiv: '2211.07844',
};

/** Nguyen, Mondelli, Montúfar, ICML 2021 (arXiv 2012.11654): the smallest eigenvalue of the NTK of deep ReLU networks. */
export const NMM_SOURCE = {
  paper: 'Nguyen, Mondelli, Montúfar — Tight Bounds on the Smallest Eigenvalue of the NTK for Deep ReLU Networks (ICML 2021)',
  arxiv: '2012.11654',
};
