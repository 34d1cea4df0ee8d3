-- Writes two months of synthetic yellow-cab trips as Parquet, one file a month,
-- so the example needs no download. Deterministic: the same rows every time.
-- Run from examples/nyc_taxi:  node ../../scripts/generate-example-data.mjs
copy (
  select
    i as trip_id,
    timestamp '2024-01-01' + to_seconds((i * 2671) % (31 * 86400)) as pickup_at,
    timestamp '2024-01-01' + to_seconds((i * 2671) % (31 * 86400) + 300 + (i * 37) % 2400) as dropoff_at,
    1 + (i % 4) as passenger_count,
    round(0.5 + ((i * 13) % 200) / 10.0, 2) as trip_distance,
    1 + (i * 7) % 20 as zone_id,
    1 + (i * 3) % 4 as payment_type,
    round(3 + ((i * 13) % 200) / 10.0 * 2.5, 2) as fare_amount,
    round(((i * 11) % 50) / 10.0, 2) as tip_amount,
    round(3 + ((i * 13) % 200) / 10.0 * 2.5 + ((i * 11) % 50) / 10.0, 2) as total_amount
  from range(1, 6001) t(i)
) to 'data/trips/yellow_tripdata_2024-01.parquet' (format parquet);
copy (
  select
    i as trip_id,
    timestamp '2024-02-01' + to_seconds((i * 2671) % (29 * 86400)) as pickup_at,
    timestamp '2024-02-01' + to_seconds((i * 2671) % (29 * 86400) + 300 + (i * 37) % 2400) as dropoff_at,
    1 + (i % 4) as passenger_count,
    round(0.5 + ((i * 13) % 200) / 10.0, 2) as trip_distance,
    1 + (i * 7) % 20 as zone_id,
    1 + (i * 3) % 4 as payment_type,
    round(3 + ((i * 13) % 200) / 10.0 * 2.5, 2) as fare_amount,
    round(((i * 11) % 50) / 10.0, 2) as tip_amount,
    round(3 + ((i * 13) % 200) / 10.0 * 2.5 + ((i * 11) % 50) / 10.0, 2) as total_amount
  from range(6001, 11501) t(i)
) to 'data/trips/yellow_tripdata_2024-02.parquet' (format parquet);
