import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.ts';

/**
 * The `proposal` field that `ntk-audit audit` writes into its counterexample artifacts and scaling evidence,
 * so that `ntk-audit replay FILE` finds the bound: the module that defines it and its data file, each as a
 * path RELATIVE TO THE ARTIFACT'S DIRECTORY plus the SHA-256 of its bytes. A folder holding the proposal,
 * its data and the artifacts can be moved as a whole and replayed from any working directory; a file whose
 * bytes changed since the audit is a one-line error naming it. The absolute path at the audit (`absolute`)
 * is tried when the relative one is not found (the artifacts moved without the proposal). Artifacts
 * written with an absolute `file` and no hash are replayed from that path.
 */
export interface ProposalRecord {
  /** Relative to the artifact's directory ('/'-separated), or absolute. */
  file: string;
  boundId: string;
  sha256?: string;
  absolute?: string;
  data?: { file: string; sha256: string; absolute?: string };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const posixRelative = (fromDir: string, to: string) => relative(fromDir, to).split(sep).join('/');

/** The record for an artifact written at `artifactPath`, of bound `boundId` defined in `proposal` (absolute). */
export function proposalRecord(artifactPath: string, proposal: string, boundId: string, dataFile?: string): ProposalRecord {
  const dir = dirname(artifactPath);
  return {
    file: posixRelative(dir, proposal),
    boundId,
    sha256: sha256File(proposal),
    absolute: proposal,
    ...(dataFile && existsSync(dataFile) ? { data: { file: posixRelative(dir, dataFile), sha256: sha256File(dataFile), absolute: dataFile } } : {}),
  };
}

/** The `proposal` field of an artifact's JSON text (null when absent or malformed). */
export function proposalField(text: string): ProposalRecord | null {
  try {
    const p = (JSON.parse(text) as { proposal?: Record<string, unknown> }).proposal;
    if (!p || typeof p.file !== 'string' || typeof p.boundId !== 'string') return null;
    const d = p.data as Record<string, unknown> | undefined;
    return {
      file: p.file,
      boundId: p.boundId,
      ...(typeof p.sha256 === 'string' ? { sha256: p.sha256 } : {}),
      ...(typeof p.absolute === 'string' ? { absolute: p.absolute } : {}),
      ...(d && typeof d.file === 'string' && typeof d.sha256 === 'string'
        ? { data: { file: d.file, sha256: d.sha256, ...(typeof d.absolute === 'string' ? { absolute: d.absolute } : {}) } }
        : {}),
    };
  } catch {
    return null; // the artifact reader reports unreadable / malformed files
  }
}

function checked(artifactPath: string, what: string, recorded: string, sha256: string | undefined, absolute: string | undefined): string {
  const near = isAbsolute(recorded) ? recorded : resolve(dirname(resolve(artifactPath)), recorded);
  const path = !existsSync(near) && absolute !== undefined && existsSync(absolute) ? absolute : near;
  if (!existsSync(path)) {
    throw new UserError(
      `replay: the ${what} ${path} recorded by ${artifactPath} (as ${recorded}${isAbsolute(recorded) ? '' : ', relative to the artifact'}) is not found; keep it at the same place relative to the artifact`,
    );
  }
  if (sha256 !== undefined) {
    let now: string;
    try {
      now = sha256File(path);
    } catch (e) {
      throw new UserError(`replay: the ${what} ${path} recorded by ${artifactPath} cannot be read: ${(e as Error).message}`);
    }
    if (now !== sha256)
      throw new UserError(
        `replay: the ${what} ${path} changed since ${artifactPath} was written (sha256 ${now.slice(0, 16)}…, recorded ${sha256.slice(0, 16)}…): the artifact replays the bound as it was audited; audit the changed file again`,
      );
  }
  return path;
}

/**
 * The absolute path of the proposal an artifact records, checked: it exists (relative paths are resolved
 * against the artifact's directory) and, when hashes were recorded, the proposal and its data file have the
 * bytes they had at the audit. Every failure is a one-line UserError naming the file.
 */
export function resolveProposal(artifactPath: string, p: ProposalRecord): string {
  const path = checked(artifactPath, 'proposal', p.file, p.sha256, p.absolute);
  if (p.data) checked(artifactPath, 'data file', p.data.file, p.data.sha256, p.data.absolute);
  return path;
}
