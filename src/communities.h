/*
 * communities.h: which community a unit (resident unit, building, facility,
 * car park) belongs to. The one membership rule of every analysis:
 *
 *   A unit belongs to the community whose polygon contains its representative
 *   point (the point itself, or a point on the surface of a line or polygon:
 *   cp_geom_point_in_srid), boundary included. Where communities overlap, it
 *   belongs to the one with the lowest id, so it is counted once. A unit
 *   outside every community, or without a geometry, belongs to none.
 *   Without a communities query there is one group, the whole area, which
 *   takes every unit (those without a point included).
 *
 * Polygons are read once from the caller's query (columns id, geom; ids unique
 * and not NULL), brought into the analysis CRS, prepared (GEOS) and indexed
 * (STRtree). Groups are numbered 0..n-1 in ascending id order.
 */
#ifndef CP_COMMUNITIES_H
#define CP_COMMUNITIES_H

#include "postgres.h"

typedef struct CpCommunities CpCommunities;

/*
 * Reads the communities query (NULL: the whole area) with polygons brought into
 * SRID srid. Errors: missing column 42703, NULL id 23502, duplicate id 23505.
 * GEOS objects are freed when the current memory context is reset or deleted.
 */
extern CpCommunities *cp_communities_read(const char *sql, int32 srid);

/* Number of groups (1 for the whole area). */
extern int	cp_communities_count(const CpCommunities *com);

/* True when the result is per community (false: the one whole-area group). */
extern bool cp_communities_by_community(const CpCommunities *com);

/* Id of group g (only per community). */
extern int64 cp_communities_id(const CpCommunities *com, int g);

/* The geometry of group g as the caller gave it (EWKB bytea), NULL when it had none or for the whole area. */
extern bytea *cp_communities_geom(const CpCommunities *com, int g);

/*
 * The group of a unit: placed = it has a representative point (x, y) in the
 * SRID given to cp_communities_read. Returns -1 when it belongs to no community.
 */
extern int	cp_communities_of(const CpCommunities *com, bool placed, double x, double y);

/* A NOTICE when units fell outside every community (what: "residents", "buildings"...). */
extern void cp_communities_report_outside(const CpCommunities *com, int64 outside, const char *what);

#endif
