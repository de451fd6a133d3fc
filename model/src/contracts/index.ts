// The registry of API contracts, by callee name and by object field.

import { ObjRef } from '../values.js';
import { RESOURCE_CONTRACTS, RESOURCE_FIELD_CONTRACTS } from './resource.js';
import { Contract, FieldContract } from './types.js';

export * from './types.js';

export const CONTRACTS: Readonly<Record<string, Contract>> = {
  ...RESOURCE_CONTRACTS,
};

export const FIELD_CONTRACTS: Readonly<Record<ObjRef['kind'], Readonly<Record<string, FieldContract>>>> = {
  resource: RESOURCE_FIELD_CONTRACTS,
};

/** Callee names the model knows; a file that mentions none of them needs no analysis. */
export const CONTRACT_NAMES: readonly string[] = Object.keys(CONTRACTS);
