-- Writes two months of synthetic yellow-cab trips as Parquet, one folder a
-- month (hive style), so the example needs no download. Deterministic: the
-- same rows every time. From the repository root:
--   node scripts/generate-example-data.mjs
copy (
  with months(month, month_start, days, first_id, last_id) as (
    values ('2024-01', timestamp '2024-01-01', 31, 1, 6000),
           ('2024-02', timestamp '2024-02-01', 29, 6001, 11500)
  ),
  trips as (
    select m.month, m.month_start, m.days, i
    from months as m, range(m.first_id, m.last_id + 1) as t(i)
  )
  select
    month,
    i as trip_id,
    month_start + to_seconds((i * 2671) % (days * 86400)) as pickup_at,
    month_start + to_seconds((i * 2671) % (days * 86400) + 300 + (i * 37) % 2400) as dropoff_at,
    1 + (i % 4) as passenger_count,
    round(0.5 + ((i * 13) % 200) / 10.0, 2) as trip_distance,
    1 + (i * 7) % 20 as zone_id,
    1 + (i * 3) % 4 as payment_type,
    round(3 + ((i * 13) % 200) / 10.0 * 2.5, 2) as fare_amount,
    round(((i * 11) % 50) / 10.0, 2) as tip_amount,
    round(3 + ((i * 13) % 200) / 10.0 * 2.5 + ((i * 11) % 50) / 10.0, 2) as total_amount
  from trips
  order by trip_id
) to 'data/trips' (format parquet, partition_by (month), overwrite_or_ignore, filename_pattern 'yellow_tripdata_{i}');
