/**
 * ntk-audit — the public API (what a user imports from 'ntk-audit').
 *
 * - defineBound: state a new bound about the NTK (an inequality, or an asymptotic Θ / O / Ω claim judged
 *   by its fitted exponent) and audit it with `ntk-audit audit FILE.ts`;
 * - auditBound / auditFile / runCatalog (src/api.ts): the audits of `ntk-audit audit` and `ntk-audit run`,
 *   returning the objects `audit --json` prints and report.json holds (Vitest matchers: 'ntk-audit/vitest');
 * - interval: outward-rounded enclosure arithmetic, for sides with a rigorous error bound;
 * - the Theorem / Verdict types of the catalog and searchTheorem (random + shrinking + targeted search);
 * - engine entry points: limitingKernels (limiting NTK / NNGP), lambdaMinCertified (certified λ_min);
 * - activation records (docs/activations.md): activationByName and the records passed as
 *   limitingKernels(x, { activation }) — ReLU family, erf, tanh, sigmoid, gelu, softplus;
 * - data: readDataFile (CSV / JSON / .npy) and the data-set helpers (MNIST, Iris, seeded subsets).
 */
export {
  auditBound,
  auditFile,
  runCatalog,
  DEFAULT_AUDIT_BUDGET,
  DEFAULT_AUDIT_SEED,
  DEFAULT_INSTANCE_TIMEOUT,
  type AuditBoundOptions,
  type AuditResult,
  type AuditVerdict,
  type BoundAudit,
  type CellSummary,
  type CounterexampleSummary,
  type Report,
  type ReportFormat,
  type RunCatalogOptions,
  type TheoremReport,
  type CounterexampleReport,
} from './api.ts';
export {
  defineBound,
  isAuditBound,
  evaluateSide,
  type AsymptoticBoundSpec,
  type AuditDescriptor,
  type AuditTheorem,
  type BoundSpec,
  type DataSource,
  type InequalitySpec,
  type InstanceSpace,
  type Side,
} from './audit/defineBound.ts';
export { type Geometry, GEOMETRY_FAMILIES } from './random/geometry/index.ts';
export type { GeometryOption, PointMove } from './audit/adversarialSpace.ts';
export type { AsymptoticClaim, HeldValues, SweepVariable } from './audit/asymptotic.ts';
export {
  quantitiesView,
  type AuditInstance,
  type CertifiedHelpers,
  type Enclosure,
  type KernelFunction,
  type KernelName,
  type Quantities,
  type QuantityName,
} from './audit/quantities.ts';
export { ReadOnlyMatrix } from './linalg/readOnlyMatrix.ts';
export { LABEL_MODELS, type LabelModel } from './audit/labels.ts';
export { interval, Interval, type IntervalLike } from './linalg/interval.ts';
export { nextDown, nextUp } from './linalg/ulp.ts';
export type {
  AnyTheorem,
  ConstantSpec,
  Conventions,
  Descriptor,
  Evaluation,
  Outcome,
  Provenance,
  Relation,
  SourceRef,
  Theorem,
  TheoremKind,
  Verdict,
} from './theorem/types.ts';
export { decide } from './theorem/verdict.ts';
export { searchTheorem, type SearchOptions, type TheoremRun } from './search/search.ts';
export { limitingKernels, type LimitingArchitecture, type LimitingKernels } from './ntk/limiting.ts';
export {
  ACTIVATION_NAMES,
  activationByName,
  abReluRecord,
  absRecord,
  erfRecord,
  geluRecord,
  identityRecord,
  leakyReluRecord,
  reluRecord,
  sigmoidRecord,
  softplusRecord,
  tanhRecord,
  type ActivationRecord,
  type DerivativeBounds,
  type DualEnclosure,
} from './ntk/activations/registry.ts';
export { lambdaMinCertified, type LambdaMinEnclosure } from './linalg/lambdaMin.ts';
export { readDataFile } from './io/data.ts';
export { drawSubset, loadFilePopulation, loadNamedPopulation, normalizeRows, type Normalization, type NamedDataset } from './io/datasets.ts';
export type { Matrix } from './linalg/matrix.ts';
export { UserError } from './errors.ts';
