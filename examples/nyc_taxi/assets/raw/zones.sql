/* @asset
name: raw.zones
description: Taxi zones and their borough, from the TLC zone lookup.
checks:
  - unique: id
  - not_null: [id, borough]
*/
select id::integer as id, borough, zone
from read_csv('data/zones.csv', header = true)
