-- osm2pgsql flex style for community_planning (osm2pgsql >= 1.7).
--
-- Turns an OSM extract into the tables the extension works on, in schema osm:
--   osm.walk_edges  walkable ways (LineString, EPSG:4326) with a walking one-way flag
--   osm.buildings   building outlines with levels
--   osm.pois        amenities, shops, healthcare, social facilities, leisure (points)
--   osm.parking     car parks with capacity where tagged
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
}, { schema = 'osm', ids = { type = 'way', id_column = 'way_id' } })

tables.buildings = osm2pgsql.define_area_table('buildings', {
    { column = 'building', type = 'text', not_null = true },
    { column = 'levels', type = 'int4' },
    { column = 'height', type = 'real' },
    { column = 'name', type = 'text' },
    { column = 'geom', type = 'multipolygon', projection = srid, not_null = true },
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

local function is_walkable(tags)
    local hw = tags.highway
    if not hw or tags.area == 'yes' then return false end
    if tags.foot == 'no' or tags.foot == 'private' or tags.foot == 'use_sidepath' then return false end
    if tags.access == 'no' or tags.access == 'private' then
        return foot_allowed[tags.foot] == true
    end
    if walkable[hw] then return true end
    if hw == 'motorway' or hw == 'motorway_link' or hw == 'trunk' or hw == 'trunk_link' then
        return foot_allowed[tags.foot] == true or (tags.sidewalk ~= nil and tags.sidewalk ~= 'no'
            and tags.sidewalk ~= 'none' and tags.sidewalk ~= 'separate')
    end
    return false
end

-- Walking one-way only where tagged for foot traffic.
local function foot_oneway(tags)
    local v = tags['oneway:foot']
    if v == 'yes' or v == '1' or v == 'true' then return 1 end
    if v == '-1' or v == 'reverse' then return -1 end
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
                                access = object.tags.access, geom = geom })
    end
end

local function add_heritage(object, geom)
    if object.tags.historic or object.tags.heritage then
        tables.heritage:insert({ historic = object.tags.historic, heritage = object.tags.heritage,
                                 name = object.tags.name, tags = object.tags, geom = geom })
    end
end

function osm2pgsql.process_node(object)
    add_poi(object, object:as_point())
    add_parking(object, object:as_point())
    add_heritage(object, object:as_point())
end

function osm2pgsql.process_way(object)
    local tags = object.tags
    if is_walkable(tags) then
        tables.walk_edges:insert({ highway = tags.highway, name = tags.name, foot = tags.foot,
                                   oneway_foot = foot_oneway(tags), geom = object:as_linestring() })
    end
    if object.is_closed then
        local poly = object:as_polygon()
        if tags.building and tags.building ~= 'no' then
            tables.buildings:insert({ building = tags.building, levels = to_int(tags['building:levels']),
                                      height = to_num(tags.height), name = tags.name,
                                      geom = object:as_multipolygon() })
        end
        add_poi(object, poly:centroid())
        add_parking(object, poly)
        add_heritage(object, poly)
    end
end

function osm2pgsql.process_relation(object)
    local tags = object.tags
    if tags.type ~= 'multipolygon' then return end
    local mp = object:as_multipolygon()
    if tags.building and tags.building ~= 'no' then
        tables.buildings:insert({ building = tags.building, levels = to_int(tags['building:levels']),
                                  height = to_num(tags.height), name = tags.name, geom = mp })
    end
    add_poi(object, mp:centroid())
    add_parking(object, mp)
    add_heritage(object, mp)
end
