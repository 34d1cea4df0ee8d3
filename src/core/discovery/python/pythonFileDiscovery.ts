import type { AssetKey } from '../../assetKey';
import type { FileDiscovery } from '../../asset';
import type { SourceLocation } from '../../problem';

/**
 * What reading one Python file yields: the assets as far as this file alone can
 * tell, plus the facts the workspace pass (resolvePythonWorkspace) needs to
 * finish them with what other files define.
 */
export interface PythonFileDiscovery extends FileDiscovery {
  readonly python: PythonFacts;
}

export interface PythonFacts {
  /** Classes defined at module level with their bases (last dotted part), to know resources and configs. */
  readonly classes: readonly { readonly name: string; readonly bases: readonly string[] }[];
  /** Python names bound here to assets (functions, spec variables, multi-asset functions). */
  readonly bindings: readonly { readonly name: string; readonly keys: readonly AssetKey[] }[];
  /** Dependencies written as a Python name not bound in this file (`deps=[raw_trips]` imported from elsewhere). */
  readonly nameRefs: readonly { readonly asset: number; readonly dep: number; readonly name: string }[];
  /** Checks whose asset is a Python name not bound in this file. */
  readonly checkRefs: readonly { readonly check: number; readonly name: string }[];
  /** Parameter dependencies with a type annotation, dropped when it names a resource or config class. */
  readonly annotatedParameters: readonly {
    readonly asset: number;
    readonly dep: number;
    readonly annotation: string;
  }[];
  readonly jobs: readonly PythonJob[];
  readonly schedules: readonly PythonSchedule[];
}

/** An asset selection as far as it is statically visible. */
export interface PythonSelection {
  readonly keys: readonly AssetKey[];
  /** Asset objects named by their Python name. */
  readonly names: readonly string[];
  readonly groups: readonly string[];
  readonly all: boolean;
}

export interface PythonJob {
  readonly name: string;
  /** The variable the job is assigned to, which schedules refer to. */
  readonly variable?: string;
  readonly selection: PythonSelection;
  readonly location: SourceLocation;
}

export interface PythonSchedule {
  readonly name: string;
  /** A job by variable or by name. */
  readonly job?: string;
  readonly selection?: PythonSelection;
  readonly location: SourceLocation;
}

export const NO_PYTHON_FACTS: PythonFacts = {
  classes: [],
  bindings: [],
  nameRefs: [],
  checkRefs: [],
  annotatedParameters: [],
  jobs: [],
  schedules: [],
};
