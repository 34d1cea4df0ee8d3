/* @asset
name: analytics.daily_trips
description: Trips, distance and revenue per day.
checks:
  - row_count: { min: 1 }
  - not_null: [pickup_date]
  - name: no_negative_totals
    sql: select * from {{ this }} where revenue < 0
  - freshness: { column: pickup_date, max_age: 30 days }
    severity: warn
*/
select
  pickup_at::date as pickup_date,
  count(*) as trips,
  round(sum(trip_distance), 1) as distance,
  round(sum(total_amount), 2) as revenue
from raw.taxi_trips
group by all
order by pickup_date
