-- The window benchmark: one table, then one query per line after a "-- name" line. Each query reduces its
-- window output to one row, so the time is the window's, not the printing's. Read by both drivers.
-- setup
CREATE TABLE w AS SELECT x AS id, CAST(TIMESTAMP '2020-01-01' + (CAST(x AS BIGINT) * 37 % 1000000) * INTERVAL '1 minute' AS TIMESTAMP) AS ts, CAST(CAST(x AS BIGINT) * 7919 % 10007 AS INTEGER) AS v FROM generate_series(1, ROWS) AS g(x)
-- range_7_days
SELECT sum(s) FROM (SELECT sum(v) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '7 days' PRECEDING AND CURRENT ROW) AS s FROM w) q
-- rows_1000_sum_min
SELECT sum(s), sum(m) FROM (SELECT sum(v) OVER (ORDER BY id ROWS BETWEEN 999 PRECEDING AND CURRENT ROW) AS s, min(v) OVER (ORDER BY id ROWS BETWEEN 999 PRECEDING AND CURRENT ROW) AS m FROM w) q
-- range_5_numeric
SELECT sum(s) FROM (SELECT sum(id) OVER (ORDER BY v RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS s FROM w) q
