/* @asset
name: raw.taxi_trips
kind: incremental
description: Yellow-cab trips, loaded incrementally from the monthly Parquet files.
depends: [raw.zones]
unique_key: trip_id
watermark: pickup_at
checks:
  - not_null: [trip_id, pickup_at]
  - unique: trip_id
  - accepted_values: { column: payment_type, values: [1, 2, 3, 4] }
  - relationships: { column: zone_id, to: raw.zones, field: id }
*/
select
  trip_id,
  pickup_at,
  dropoff_at,
  passenger_count,
  trip_distance,
  zone_id,
  payment_type,
  fare_amount,
  tip_amount,
  total_amount
from read_parquet('data/trips/*/*.parquet')
where {{ watermark }} is null or pickup_at > {{ watermark }}
