// SPDX-License-Identifier: MIT
// The benchmark job in DuckDB: one SQL statement with window functions over read_csv.
// Usage: node duckdb_job.mjs panel.csv out.csv   (needs the npm package @duckdb/node-api)
import { DuckDBInstance } from '@duckdb/node-api';

const [src, dst] = process.argv.slice(2);
const rate = (c) => `-(${c} / (population / 10000.0))`;
const mm = (c) => `(${c} - min(${c}) OVER ()) / (max(${c}) OVER () - min(${c}) OVER ()) * 100`;
const rates = ['police_incidents', 'criminal_cases', 'gun_cases', 'fires', 'fire_deaths',
  'traffic_accidents', 'traffic_deaths'];
const groups = { order: [4, ['police_incidents', 'criminal_cases', 'gun_cases']],
  fire: [2, ['fires', 'fire_deaths']], traffic: [2, ['traffic_accidents', 'traffic_deaths']],
  service: [1, ['complaints']] };
const gmean = (cols) => `(${cols.map((c) => `coalesce(${c}, 0)`).join(' + ')}) / ` +
  `nullif(${cols.map((c) => `(${c} IS NOT NULL)::INT`).join(' + ')}, 0)`;
const gs = Object.entries(groups);
const sql = `
COPY (
  WITH raw AS (SELECT * FROM read_csv('${src}', header = true)),
  r AS (SELECT unit, year, ${rates.map((c) => `${rate(c)} AS ${c}`).join(', ')},
               -complaints::DOUBLE AS complaints FROM raw),
  n AS (SELECT unit, year, ${[...rates, 'complaints'].map((c) => `${mm(c)} AS ${c}`).join(', ')} FROM r),
  g AS (SELECT unit, year, ${gs.map(([g, [, cols]]) => `${gmean(cols)} AS "${g}"`).join(', ')} FROM n),
  i AS (SELECT unit, year,
          (${gs.map(([g, [w]]) => `coalesce(${w} * "${g}", 0)`).join(' + ')}) /
          nullif(${gs.map(([g, [w]]) => `(("${g}") IS NOT NULL)::INT * ${w}`).join(' + ')}, 0) AS score
        FROM g)
  SELECT unit, year, score,
         rank() OVER (PARTITION BY year ORDER BY score DESC) AS rank,
         (score - lag(score) OVER (PARTITION BY unit ORDER BY year)) /
           abs(lag(score) OVER (PARTITION BY unit ORDER BY year)) * 100 AS score_change_pct
  FROM i ORDER BY unit, year
) TO '${dst}' (HEADER, DELIMITER ',');
`;
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run(sql);
