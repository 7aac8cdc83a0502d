/**
 * The scaled fleet's labels for its i-th host (0-based): racks r1..r10 in turn, each rack in
 * one of three zones (r1, r4, r7, r10 in z1; r2, r5, r8 in z2; r3, r6, r9 in z3), so
 * `--hosts rack=r1` and `--hosts zone=z2` select about a tenth and a third of the fleet.
 */
export function fleetLabels(index: number): { rack: string; zone: string } {
  const rack = (index % 10) + 1;
  return { rack: `r${rack}`, zone: `z${((rack - 1) % 3) + 1}` };
}
