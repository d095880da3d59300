import { describe, expect, it } from 'vitest';
import { balanceGrid, factorialAnova, fSurvival } from './anova.js';

// Montgomery, Design and Analysis of Experiments, Example 5.1 (battery life): material type (3)
// x temperature (15, 70, 125 F), 4 replicates. The book's ANOVA table: material SS 10683.72 (df 2,
// F 7.91, p 0.0020), temperature SS 39118.72 (df 2, F 28.97), interaction SS 9613.78 (df 4,
// F 3.56, p 0.0186), error SS 18230.75 (df 27), total SS 77646.97 (df 35).
const BATTERY: Record<string, Record<string, number[]>> = {
  '1': { '15': [130, 155, 74, 180], '70': [34, 40, 80, 75], '125': [20, 70, 82, 58] },
  '2': { '15': [150, 188, 159, 126], '70': [136, 122, 106, 115], '125': [25, 70, 58, 45] },
  '3': { '15': [138, 110, 168, 160], '70': [174, 120, 150, 139], '125': [96, 104, 82, 60] },
};
const batteryRows = Object.entries(BATTERY).flatMap(([material, byTemperature]) =>
  Object.entries(byTemperature).flatMap(([temperature, lives]) =>
    lives.map((value) => ({ levels: [material, temperature], value })),
  ),
);

describe('factorial ANOVA', () => {
  it("reproduces Montgomery's two-way table (battery life, Example 5.1)", () => {
    const grid = balanceGrid(2, batteryRows);
    expect(grid).toMatchObject({ replicates: 4, droppedRows: 0, droppedLevels: [] });
    const table = factorialAnova(grid.levels, grid.rows);
    const [material, temperature, interaction] = table.effects;
    expect(material).toMatchObject({ factors: [0], df: 2 });
    expect(material.ss).toBeCloseTo(10683.72, 2);
    expect(material.f).toBeCloseTo(7.91, 2);
    expect(material.p).toBeCloseTo(0.002, 4);
    expect(temperature).toMatchObject({ factors: [1], df: 2 });
    expect(temperature.ss).toBeCloseTo(39118.72, 2);
    expect(temperature.f).toBeCloseTo(28.97, 2);
    expect(temperature.p).toBeLessThan(0.0001);
    expect(interaction).toMatchObject({ factors: [0, 1], df: 4 });
    expect(interaction.ss).toBeCloseTo(9613.78, 2);
    expect(interaction.f).toBeCloseTo(3.56, 2);
    expect(interaction.p).toBeCloseTo(0.0186, 4);
    expect(table.residual.ss).toBeCloseTo(18230.75, 2);
    expect(table.residual.df).toBe(27);
    expect(table.total).toMatchObject({ df: 35 });
    expect(table.total.ss).toBeCloseTo(77646.97, 2);
    expect(temperature.eta2).toBeCloseTo(39118.72 / 77646.97, 6);
  });

  it('splits a three-factor grid into mains, pairs and a higher-order remainder that add up', () => {
    const rows = [];
    for (const a of ['a0', 'a1'])
      for (const b of ['b0', 'b1', 'b2'])
        for (const c of ['c0', 'c1'])
          for (let r = 0; r < 3; r++)
            rows.push({
              levels: [a, b, c],
              value:
                (a === 'a1' ? 2 : 0) +
                b.length * r +
                (c === 'c1' && b === 'b2' ? 1 : 0) +
                Math.sin(rows.length),
            });
    const grid = balanceGrid(3, rows);
    const table = factorialAnova(grid.levels, grid.rows);
    expect(table.effects.map((e) => e.factors)).toEqual([[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]);
    expect(table.effects.map((e) => e.df)).toEqual([1, 2, 1, 2, 1, 2, 2]);
    const explained = table.effects.reduce((sum, e) => sum + e.ss, 0);
    expect(explained + table.residual.ss).toBeCloseTo(table.total.ss, 9);
    expect(table.residual.df).toBe(36 - 12);
  });
});

describe('balancing an unbalanced grid', () => {
  it('drops the level missing from the most cells, then extra replicates, and says so', () => {
    const rows = batteryRows.filter(
      // Material 3 has no run at 125 F and at 70 F; material 1 at 15 F has only 3 replicates.
      (row, i) => !(row.levels[0] === '3' && row.levels[1] !== '15') && i !== 3,
    );
    const grid = balanceGrid(2, rows);
    expect(grid.droppedLevels).toEqual([{ factor: 0, level: '3' }]);
    expect(grid.replicates).toBe(3);
    expect(grid.levels).toEqual([
      ['1', '2'],
      ['15', '70', '125'],
    ]);
    expect(grid.rows).toHaveLength(2 * 3 * 3);
    expect(grid.droppedRows).toBe(rows.length - 18);
  });
});

describe('F distribution', () => {
  it('matches scipy.stats.f.sf', () => {
    expect(fSurvival(3.35, 2, 27)).toBeCloseTo(0.05, 3);
    expect(fSurvival(1, 1, 1)).toBeCloseTo(0.5, 12);
    expect(fSurvival(0, 3, 10)).toBe(1);
  });
});
