/* @asset
name: analytics.trips_by_borough
kind: view
description: Trips and average fare per pickup borough.
checks:
  - not_null: [borough]
  - accepted_values: { column: borough, values: [Manhattan, Brooklyn, Queens, Bronx, Staten Island, EWR] }
*/
select
  z.borough,
  count(*) as trips,
  round(avg(t.fare_amount), 2) as avg_fare
from raw.taxi_trips as t
join raw.zones as z on z.id = t.zone_id
group by all
