-- osm2pgsql flex style for community_planning (osm2pgsql >= 1.7).
--
-- Turns an OSM extract into the tables the extension works on, in schema osm
-- (create it first: CREATE SCHEMA osm). See docs/import.md for every column.
--   osm.walk_edges  walkable ways (LineString, EPSG:4326) with a walking one-way flag
--   osm.crossings   crossing nodes (highway=crossing, railway=crossing)
--   osm.buildings   building outlines with levels, flats and a residential flag
--   osm.pois        amenities, shops, healthcare, social facilities, leisure (points);
--                   cp.osm_category(tags) maps them to the standard's categories
--   osm.parking     car parks (amenity=parking) with capacity where tagged
--   osm.heritage    heritage candidates (historic=*, heritage=*)
-- Usage: osm2pgsql -O flex -S import/community_planning.lua -d DB extract.osm.pbf
-- Data (c) OpenStreetMap contributors, ODbL.

local srid = 4326
local tables = {}

tables.walk_edges = osm2pgsql.define_way_table('walk_edges', {
    { column = 'highway', type = 'text', not_null = true },
    { column = 'name', type = 'text' },
    { column = 'foot', type = 'text' },
    { column = 'oneway_foot', type = 'int2', not_null = true }, -- 0 both, 1 forward, -1 backward
    { column = 'geom', type = 'linestring', projection = srid, not_null = true },
    { column = 'footway', type = 'text' },   -- sidewalk, crossing, ...
    { column = 'crossing', type = 'text' },  -- crossing type on crossing ways
    { column = 'sidewalk', type = 'text' },  -- sidewalk tagging of the road
    { column = 'access', type = 'text' },
    { column = 'surface', type = 'text' },
    { column = 'incline', type = 'text' },
    { column = 'lit', type = 'text' },
}, { schema = 'osm', ids = { type = 'way', id_column = 'way_id' } })

tables.crossings = osm2pgsql.define_node_table('crossings', {
    { column = 'kind', type = 'text', not_null = true }, -- highway or railway
    { column = 'crossing', type = 'text' },              -- marked, uncontrolled, traffic_signals, ...
    { column = 'traffic_signals', type = 'bool', not_null = true },
    { column = 'geom', type = 'point', projection = srid, not_null = true },
}, { schema = 'osm', ids = { type = 'node', id_column = 'node_id' } })

tables.buildings = osm2pgsql.define_area_table('buildings', {
    { column = 'building', type = 'text', not_null = true },
    { column = 'levels', type = 'int4' },
    { column = 'height', type = 'real' },
    { column = 'name', type = 'text' },
    { column = 'geom', type = 'multipolygon', projection = srid, not_null = true },
    { column = 'levels_underground', type = 'int4' },
    { column = 'flats', type = 'int4' },       -- building:flats (dwellings), where tagged
    { column = 'residential', type = 'bool', not_null = true },
    { column = 'building_use', type = 'text' },
}, { schema = 'osm' })

tables.pois = osm2pgsql.define_table({
    name = 'pois', schema = 'osm',
    ids = { type = 'any', id_column = 'osm_id', type_column = 'osm_type' },
    columns = {
        { column = 'key', type = 'text', not_null = true },
        { column = 'value', type = 'text', not_null = true },
        { column = 'name', type = 'text' },
        { column = 'tags', type = 'jsonb' },
        { column = 'geom', type = 'point', projection = srid, not_null = true },
    }
})

tables.parking = osm2pgsql.define_table({
    name = 'parking', schema = 'osm',
    ids = { type = 'any', id_column = 'osm_id', type_column = 'osm_type' },
    columns = {
        { column = 'parking', type = 'text' },
        { column = 'capacity', type = 'int4' },
        { column = 'access', type = 'text' },
        { column = 'geom', type = 'geometry', projection = srid, not_null = true },
        { column = 'name', type = 'text' },
        { column = 'fee', type = 'text' },
        { column = 'levels', type = 'int4' },   -- multi-storey car parks
    }
})

tables.heritage = osm2pgsql.define_table({
    name = 'heritage', schema = 'osm',
    ids = { type = 'any', id_column = 'osm_id', type_column = 'osm_type' },
    columns = {
        { column = 'historic', type = 'text' },
        { column = 'heritage', type = 'text' },
        { column = 'name', type = 'text' },
        { column = 'tags', type = 'jsonb' },
        { column = 'geom', type = 'geometry', projection = srid, not_null = true },
        { column = 'start_date', type = 'text' },
        { column = 'wikidata', type = 'text' },
    }
})

-- Highways a pedestrian may use. Motorways and trunk roads only when foot is allowed.
local walkable = {
    footway = true, path = true, pedestrian = true, steps = true, living_street = true,
    residential = true, service = true, unclassified = true, track = true, corridor = true,
    tertiary = true, tertiary_link = true, secondary = true, secondary_link = true,
    primary = true, primary_link = true, cycleway = true, bridleway = true, road = true,
}
local foot_allowed = { yes = true, designated = true, permissive = true, official = true }

local no_sidewalk = { no = true, none = true, separate = true }

-- A road with a sidewalk of its own (not one mapped as a separate way).
local function has_sidewalk(tags)
    for _, k in ipairs({ 'sidewalk', 'sidewalk:both', 'sidewalk:left', 'sidewalk:right' }) do
        local v = tags[k]
        if v and not no_sidewalk[v] then return true end
    end
    return false
end

local function is_walkable(tags)
    local hw = tags.highway
    if not hw or tags.area == 'yes' then return false end
    if tags.foot == 'no' or tags.foot == 'private' or tags.foot == 'use_sidepath' then return false end
    if tags.access == 'no' or tags.access == 'private' then
        return foot_allowed[tags.foot] == true
    end
    if walkable[hw] then return true end
    if hw == 'motorway' or hw == 'motorway_link' or hw == 'trunk' or hw == 'trunk_link' then
        return foot_allowed[tags.foot] == true or has_sidewalk(tags)
    end
    return false
end

-- Walking one-way only where tagged for foot traffic: oneway:foot, or oneway
-- on a way for pedestrians only (footway, pedestrian street, steps), where it
-- can mean nothing else. A road's plain oneway binds vehicles, not walkers.
local pedestrian_only = { footway = true, pedestrian = true, steps = true }

local function oneway_value(v)
    if v == 'yes' or v == '1' or v == 'true' then return 1 end
    if v == '-1' or v == 'reverse' then return -1 end
    return 0
end

local function foot_oneway(tags)
    local v = tags['oneway:foot']
    if v then return oneway_value(v) end
    if pedestrian_only[tags.highway] then return oneway_value(tags.oneway) end
    return 0
end

local function to_int(v)
    if not v then return nil end
    local n = tonumber(string.match(v, '^%s*(%d+)'))
    return n
end

local function to_num(v)
    if not v then return nil end
    return tonumber(string.match(v, '^%s*([%d%.]+)'))
end

-- Building types people live in (building=*), and building:use=residential.
local residential_buildings = {
    apartments = true, residential = true, house = true, detached = true,
    semidetached_house = true, terrace = true, dormitory = true, bungalow = true,
    farm = true, houseboat = true, cabin = true, static_caravan = true,
}

local function add_building(tags, geom)
    if not tags.building or tags.building == 'no' then return end
    local use = tags['building:use']
    tables.buildings:insert({ building = tags.building, levels = to_int(tags['building:levels']),
                              height = to_num(tags.height), name = tags.name, geom = geom,
                              levels_underground = to_int(tags['building:levels:underground']),
                              flats = to_int(tags['building:flats']),
                              residential = residential_buildings[tags.building] == true
                                  or use == 'residential' or use == 'apartments',
                              building_use = use })
end

local poi_keys = { 'amenity', 'shop', 'healthcare', 'social_facility', 'leisure', 'office', 'tourism' }

local function add_poi(object, geom)
    for _, k in ipairs(poi_keys) do
        local v = object.tags[k]
        if v and not (k == 'amenity' and v == 'parking') then
            tables.pois:insert({ key = k, value = v, name = object.tags.name, tags = object.tags,
                                 geom = geom })
            return
        end
    end
end

local function add_parking(object, geom)
    if object.tags.amenity == 'parking' then
        tables.parking:insert({ parking = object.tags.parking, capacity = to_int(object.tags.capacity),
                                access = object.tags.access, geom = geom, name = object.tags.name,
                                fee = object.tags.fee, levels = to_int(object.tags['building:levels']) })
    end
end

local function add_heritage(object, geom)
    if object.tags.historic or object.tags.heritage then
        tables.heritage:insert({ historic = object.tags.historic, heritage = object.tags.heritage,
                                 name = object.tags.name, tags = object.tags, geom = geom,
                                 start_date = object.tags.start_date, wikidata = object.tags.wikidata })
    end
end

function osm2pgsql.process_node(object)
    local tags = object.tags
    if tags.highway == 'crossing' or tags.railway == 'crossing' then
        tables.crossings:insert({ kind = tags.highway == 'crossing' and 'highway' or 'railway',
                                  crossing = tags.crossing,
                                  traffic_signals = tags.crossing == 'traffic_signals'
                                      or tags['crossing:signals'] == 'yes',
                                  geom = object:as_point() })
    end
    add_poi(object, object:as_point())
    add_parking(object, object:as_point())
    add_heritage(object, object:as_point())
end

function osm2pgsql.process_way(object)
    local tags = object.tags
    if is_walkable(tags) then
        tables.walk_edges:insert({ highway = tags.highway, name = tags.name, foot = tags.foot,
                                   oneway_foot = foot_oneway(tags), geom = object:as_linestring(),
                                   footway = tags.footway, crossing = tags.crossing,
                                   sidewalk = tags.sidewalk or tags['sidewalk:both'],
                                   access = tags.access, surface = tags.surface,
                                   incline = tags.incline, lit = tags.lit })
    end
    if object.is_closed then
        local poly = object:as_polygon()
        add_building(tags, object:as_multipolygon())
        add_poi(object, poly:centroid())
        add_parking(object, poly)
        add_heritage(object, poly)
    end
end

function osm2pgsql.process_relation(object)
    local tags = object.tags
    if tags.type ~= 'multipolygon' then return end
    local mp = object:as_multipolygon()
    add_building(tags, mp)
    add_poi(object, mp:centroid())
    add_parking(object, mp)
    add_heritage(object, mp)
end
