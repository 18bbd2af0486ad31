/**
 * mopt's own behaviour for the conformance cases where it deliberately differs from ModelOpt 0.47.0
 * (listed with reasons in deliberate-differences.json).
 */
import type { GoldenCall } from './replay.js';

export const DELIBERATE_CHECKS: Record<string, (call: GoldenCall, cwd: string) => void> = {};
