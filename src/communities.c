/*
 * communities.c: the one membership rule (communities.h).
 *
 * Every analysis that reports per community (coverage, life circle, supply,
 * floor space per resident, parking) reads the caller's communities query
 * here, once, and asks cp_communities_of() which community a unit is in.
 * Polygons are brought into the analysis CRS coordinate by coordinate (the
 * extension's own PROJ code, as every point), prepared by GEOS and indexed
 * with an STRtree; a point query looks at the few candidates whose boxes hold
 * it and keeps the lowest id that contains it (boundary included).
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include "miscadmin.h"
#include "utils/memutils.h"

#include "communities.h"
#include "crs.h"
#include "ewkb.h"
#include "geos_util.h"
#include "network.h"
#include "query_reader.h"
#include "units.h"

struct CpCommunities
{
	bool		whole_area;
	int32		srid;
	int			n;
	int			cap;
	int64	   *id;
	bytea	  **given;			/* the geometry as the caller gave it */
	GEOSGeometry **geom;		/* in srid; NULL without one */
	const GEOSPreparedGeometry **prep;
	GEOSSTRtree *tree;
	int		   *order;			/* STRtree item i -> group; groups are in id order */
	MemoryContextCallback cleanup;
};

static void
free_communities(void *arg)
{
	CpCommunities *com = arg;
	GEOSContextHandle_t h = cp_geos();
	int			i;

	if (com->tree)
		GEOSSTRtree_destroy_r(h, com->tree);
	com->tree = NULL;
	for (i = 0; i < com->n; i++)
	{
		if (com->prep[i])
			GEOSPreparedGeom_destroy_r(h, com->prep[i]);
		if (com->geom[i])
			GEOSGeom_destroy_r(h, com->geom[i]);
		com->prep[i] = NULL;
		com->geom[i] = NULL;
	}
	com->n = 0;
}

typedef struct TransformArg
{
	int32		from;
	int32		to;
} TransformArg;

static void
transform_coord(double *x, double *y, void *arg)
{
	const TransformArg *t = arg;

	cp_crs_transform(t->from, t->to, 1, x, y);
}

/* The polygon in the analysis SRID, as a GEOS geometry (caller's memory: GEOS). */
static GEOSGeometry *
polygon_in_srid(const uint8 *wkb, size_t len, int32 to_srid)
{
	uint32		type;
	int32		srid;
	bool		has_z;
	bytea	   *in,
			   *out;
	TransformArg t;
	int32		given_srid;

	cp_ewkb_peek(wkb, len, &type, &srid, &has_z);
	if (srid == to_srid)
		return cp_geos_from_ewkb(wkb, len);
	(void) cp_crs_get(srid);	/* a clear error for SRID 0 or unknown */
	in = palloc(VARHDRSZ + len);
	SET_VARSIZE(in, VARHDRSZ + len);
	memcpy(VARDATA(in), wkb, len);
	t.from = srid;
	t.to = to_srid;
	out = cp_ewkb_map_coords(in, transform_coord, &t, &given_srid);
	return cp_geos_from_ewkb((const uint8 *) VARDATA(out), VARSIZE(out) - VARHDRSZ);
}

static void
read_community_row(const CpRowValue *v, void *arg)
{
	CpCommunities *com = arg;
	GEOSContextHandle_t h = cp_geos();
	MemoryContext keep = GetMemoryChunkContext(com->id);
	int			i;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a community has a NULL id"),
				 errhint("Every community needs an id.")));
	if (com->n == com->cap)
	{
		com->cap *= 2;
		com->id = repalloc_huge(com->id, sizeof(int64) * com->cap);
		com->given = repalloc_huge(com->given, sizeof(bytea *) * com->cap);
		com->geom = repalloc_huge(com->geom, sizeof(GEOSGeometry *) * com->cap);
		com->prep = repalloc_huge(com->prep, sizeof(GEOSPreparedGeometry *) * com->cap);
	}
	i = com->n;
	com->id[i] = v[0].i;
	com->given[i] = NULL;
	com->geom[i] = NULL;
	com->prep[i] = NULL;
	com->n++;
	if (v[1].isnull)
		return;
	com->given[i] = MemoryContextAlloc(keep, VARHDRSZ + v[1].wkb_len);
	SET_VARSIZE(com->given[i], VARHDRSZ + v[1].wkb_len);
	memcpy(VARDATA(com->given[i]), v[1].wkb, v[1].wkb_len);
	com->geom[i] = polygon_in_srid(v[1].wkb, v[1].wkb_len, com->srid);
	if (GEOSisEmpty_r(h, com->geom[i]))
	{
		GEOSGeom_destroy_r(h, com->geom[i]);
		com->geom[i] = NULL;
		return;
	}
	com->prep[i] = GEOSPrepare_r(h, com->geom[i]);
	if (com->prep[i] == NULL)
		cp_geos_raise("preparing a community polygon");
}

/* Sorts the groups by id (insertion order kept for equal ids: none, they are refused). */
typedef struct IdIndex
{
	int64		id;
	int			at;
} IdIndex;

static int
cmp_id_index(const void *a, const void *b)
{
	const IdIndex *x = a,
			   *y = b;

	return x->id < y->id ? -1 : x->id > y->id ? 1 : x->at - y->at;
}

static void
sort_by_id(CpCommunities *com)
{
	IdIndex    *ix = palloc(sizeof(IdIndex) * Max(com->n, 1));
	int64	   *id = palloc(sizeof(int64) * Max(com->n, 1));
	bytea	  **given = palloc(sizeof(bytea *) * Max(com->n, 1));
	GEOSGeometry **geom = palloc(sizeof(GEOSGeometry *) * Max(com->n, 1));
	const GEOSPreparedGeometry **prep = palloc(sizeof(GEOSPreparedGeometry *) * Max(com->n, 1));
	int			i;

	for (i = 0; i < com->n; i++)
		ix[i] = (IdIndex) {com->id[i], i};
	qsort(ix, com->n, sizeof(IdIndex), cmp_id_index);
	for (i = 0; i < com->n; i++)
	{
		if (i > 0 && ix[i].id == ix[i - 1].id)
			cp_duplicate_id_error("communities", "community", ix[i].id,
								  "Every community needs an id of its own.");
		id[i] = com->id[ix[i].at];
		given[i] = com->given[ix[i].at];
		geom[i] = com->geom[ix[i].at];
		prep[i] = com->prep[ix[i].at];
	}
	memcpy(com->id, id, sizeof(int64) * com->n);
	memcpy(com->given, given, sizeof(bytea *) * com->n);
	memcpy(com->geom, geom, sizeof(GEOSGeometry *) * com->n);
	memcpy(com->prep, prep, sizeof(GEOSPreparedGeometry *) * com->n);
}

CpCommunities *
cp_communities_read(const char *sql, int32 srid)
{
	CpColumn	cols[2] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true}};
	CpCommunities *com = palloc0(sizeof(CpCommunities));
	GEOSContextHandle_t h;
	int			i;

	com->srid = srid;
	if (sql == NULL)
	{
		com->whole_area = true;
		com->n = 1;
		return com;
	}
	com->cap = 64;
	com->id = palloc(sizeof(int64) * com->cap);
	com->given = palloc(sizeof(bytea *) * com->cap);
	com->geom = palloc(sizeof(GEOSGeometry *) * com->cap);
	com->prep = palloc(sizeof(GEOSPreparedGeometry *) * com->cap);
	/* GEOS memory is not palloc'd: freed when this context goes, on error too */
	com->cleanup.func = free_communities;
	com->cleanup.arg = com;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &com->cleanup);
	cp_read_query(sql, "communities", cols, 2, read_community_row, com);
	sort_by_id(com);

	h = cp_geos();
	com->tree = GEOSSTRtree_create_r(h, 10);
	if (com->tree == NULL)
		cp_geos_raise("building the community index");
	com->order = palloc(sizeof(int) * Max(com->n, 1));
	for (i = 0; i < com->n; i++)
	{
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		com->order[i] = i;
		if (com->prep[i])
			GEOSSTRtree_insert_r(h, com->tree, com->geom[i], &com->order[i]);
	}
	return com;
}

int
cp_communities_count(const CpCommunities *com)
{
	return com->n;
}

bool
cp_communities_by_community(const CpCommunities *com)
{
	return !com->whole_area;
}

int64
cp_communities_id(const CpCommunities *com, int g)
{
	Assert(!com->whole_area && g >= 0 && g < com->n);
	return com->id[g];
}

bytea *
cp_communities_geom(const CpCommunities *com, int g)
{
	return com->whole_area ? NULL : com->given[g];
}

/* STRtree callback: the lowest group whose box holds the point (no ereport in a library callback). */
typedef struct Candidates
{
	int		   *groups;
	int			n;
} Candidates;

static void
collect_candidate(void *item, void *arg)
{
	Candidates *c = arg;

	c->groups[c->n++] = *(const int *) item;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *) a - *(const int *) b;
}

int
cp_communities_of(const CpCommunities *com, bool placed, double x, double y)
{
	GEOSContextHandle_t h;
	GEOSGeometry *pt;
	Candidates	cand;
	int			found = -1,
				i;

	if (com->whole_area)
		return 0;
	if (!placed || com->n == 0)
		return -1;
	h = cp_geos();
	pt = GEOSGeom_createPointFromXY_r(h, x, y);
	if (pt == NULL)
		cp_geos_raise("making a point");
	cand.groups = palloc(sizeof(int) * com->n);
	cand.n = 0;
	GEOSSTRtree_query_r(h, com->tree, pt, collect_candidate, &cand);
	/* groups are in id order: the first containing one is the lowest id */
	qsort(cand.groups, cand.n, sizeof(int), cmp_int);
	for (i = 0; i < cand.n && found < 0; i++)
	{
		char		hit = GEOSPreparedIntersects_r(h, com->prep[cand.groups[i]], pt);

		if (hit == 2)
		{
			GEOSGeom_destroy_r(h, pt);
			cp_geos_raise("testing a point against a community");
		}
		if (hit)
			found = cand.groups[i];
	}
	GEOSGeom_destroy_r(h, pt);
	pfree(cand.groups);
	return found;
}

void
cp_communities_report_outside(const CpCommunities *com, int64 outside, const char *what)
{
	if (com->whole_area || outside <= 0 ||
		!cp_first_in_statement(psprintf("outside:%lld:%s", (long long) outside, what)))
		return;					/* none, or said already in this statement */
	ereport(NOTICE,
			(errmsg("%lld %s lie outside every community", (long long) outside, what),
			 errdetail("They count in no community's figures (a unit belongs to the community that contains its point; where communities overlap, to the lowest id)."),
			 errhint("Pass no communities query for a figure of the whole area.")));
}
