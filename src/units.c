/*
 * units.c: residents and facilities read once, every check of them here
 * (units.h). The readers keep what every analysis needs: ids, an amount
 * (population, capacity, floor area), a representative point in the analysis
 * SRID. Duplicate ids are found after reading, by sorting a copy of the ids.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"

#include "network.h"
#include "query_reader.h"
#include "units.h"

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

void
cp_duplicate_id_error(const char *query, const char *one, int64 id, const char *hint)
{
	char	   *who = pstrdup(one);

	who[0] = pg_toupper((unsigned char) who[0]);
	ereport(ERROR,
			(errcode(ERRCODE_UNIQUE_VIOLATION),
			 errmsg("%s query returned duplicate ids", query),
			 errdetail("%s %lld appears more than once.", who, (long long) id),
			 hint ? errhint("%s", hint) : 0));
}

/* 23505 naming the first duplicate id (by value) of a query's rows. */
static void
check_unique_ids(const int64 *ids, int n, const char *query, const char *one, const char *hint)
{
	int64	   *sorted;
	int			i;

	if (n < 2)
		return;
	sorted = palloc_extended(sizeof(int64) * n, MCXT_ALLOC_HUGE);
	memcpy(sorted, ids, sizeof(int64) * n);
	qsort(sorted, n, sizeof(int64), cmp_int64);
	for (i = 1; i < n; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (sorted[i] == sorted[i - 1])
			cp_duplicate_id_error(query, one, sorted[i], hint);
	}
	pfree(sorted);
}

/* Residents ------------------------------------------------------------------- */

typedef struct ResidentRead
{
	CpUnits    *u;
	int			cap;
	int32		srid;
} ResidentRead;

static void
grow_units(ResidentRead *r)
{
	CpUnits    *u = r->u;

	if (u->n < r->cap)
		return;
	r->cap *= 2;
	u->id = repalloc_huge(u->id, sizeof(int64) * r->cap);
	u->population = repalloc_huge(u->population, sizeof(double) * r->cap);
	u->placed = repalloc_huge(u->placed, sizeof(bool) * r->cap);
	u->x = repalloc_huge(u->x, sizeof(double) * r->cap);
	u->y = repalloc_huge(u->y, sizeof(double) * r->cap);
	for (int g = 0; g < u->ngroups; g++)
		if (u->group[g])
			u->group[g] = repalloc_huge(u->group[g], sizeof(double) * r->cap);
}

/* A target-group count of row v (columns from 3 on): NaN for NULL; 22023 when bad or above the population. */
static double
group_value(const CpUnits *u, const CpRowValue *v, int g)
{
	const CpRowValue *gv = &v[3 + g];

	if (gv->isnull)
		return NAN;
	if (!(gv->f >= 0 && !isinf(gv->f)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, zero or more", u->group_name[g]),
				 errdetail("Resident unit %lld has %s %g.", (long long) v[0].i, u->group_name[g], gv->f),
				 errhint("NULL means unknown: the group is then estimated from the population and the group's share.")));
	if (!v[2].isnull && gv->f > v[2].f * (1 + 1e-9) + 1e-9)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not exceed the population", u->group_name[g]),
				 errdetail("Resident unit %lld has population %g and %s %g.", (long long) v[0].i, v[2].f,
						   u->group_name[g], gv->f),
				 errhint("An age-cohort column counts the residents of that age in the unit.")));
	return gv->f;
}

static void
read_resident_row(const CpRowValue *v, void *arg)
{
	ResidentRead *r = arg;
	CpUnits    *u = r->u;
	int			i;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a resident unit has a NULL id"),
				 errhint("Every resident unit (building, grid cell) needs an id.")));
	if (!v[2].isnull && !(v[2].f >= 0 && !isinf(v[2].f)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("population must be a finite number, zero or more"),
				 errdetail("Resident unit %lld has population %g.", (long long) v[0].i, v[2].f),
				 errhint("NULL population counts as 0.")));
	grow_units(r);
	i = u->n++;
	u->id[i] = v[0].i;
	u->population[i] = v[2].isnull ? 0 : v[2].f;
	u->placed[i] = !v[1].isnull &&
		cp_geom_point_in_srid(v[1].wkb, v[1].wkb_len, r->srid, &u->x[i], &u->y[i]);
	if (!u->placed[i])
	{
		u->x[i] = u->y[i] = 0;
		u->no_geom++;
	}
	for (int g = 0; g < u->ngroups; g++)
		if (u->group[g])
			u->group[g][i] = group_value(u, v, g);
}

CpUnits *
cp_units_read_residents(const char *sql, int32 srid)
{
	return cp_units_read_residents_groups(sql, srid, NULL, 0);
}

int
cp_units_group_index(const CpUnits *u, const char *column)
{
	int			g;

	if (column == NULL || strcmp(column, "population") == 0)
		return -1;
	for (g = 0; g < u->ngroups; g++)
		if (strcmp(u->group_name[g], column) == 0)
			return g;
	return -1;
}

CpUnits *
cp_units_read_residents_groups(const char *sql, int32 srid, char **groups, int ngroups)
{
	CpColumn	cols[3 + CP_MAX_GROUPS] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true},
	{"population", CP_COL_FLOAT8, true}};
	ResidentRead r;
	CpUnits    *u = palloc0(sizeof(CpUnits));
	int			g;

	/* each group column once; population is not a group */
	for (g = 0; g < ngroups; g++)
	{
		if (groups[g] == NULL || strcmp(groups[g], "population") == 0 ||
			cp_units_group_index(u, groups[g]) >= 0)
			continue;
		if (u->ngroups == CP_MAX_GROUPS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("at most %d target-group columns can be read at once", CP_MAX_GROUPS)));
		u->group_name[u->ngroups] = pstrdup(groups[g]);
		cols[3 + u->ngroups] = (CpColumn) {u->group_name[u->ngroups], CP_COL_FLOAT8, false};
		u->ngroups++;
	}

	r.u = u;
	r.cap = 1024;
	r.srid = srid;
	u->id = palloc(sizeof(int64) * r.cap);
	u->population = palloc(sizeof(double) * r.cap);
	u->placed = palloc(sizeof(bool) * r.cap);
	u->x = palloc(sizeof(double) * r.cap);
	u->y = palloc(sizeof(double) * r.cap);
	for (g = 0; g < u->ngroups; g++)
		u->group[g] = palloc(sizeof(double) * r.cap);
	cp_read_query(sql, "residents", cols, 3 + u->ngroups, read_resident_row, &r);
	/* a group the query lacks is estimated from shares by the caller */
	for (g = 0; g < u->ngroups; g++)
		if (!cols[3 + g].present)
		{
			pfree(u->group[g]);
			u->group[g] = NULL;
		}
	check_unique_ids(u->id, u->n, "residents", "resident unit",
					 "Every resident unit (building, grid cell) needs its own id.");
	return u;
}

/* Facilities ------------------------------------------------------------------ */

/* A category seen in the query that is not asked for, with its facility count. */
typedef struct OtherCategory
{
	char	   *code;
	int64		n;
	bool		known;
	bool		quiet;			/* expected, not analysed: no NOTICE */
} OtherCategory;

typedef struct FacilityRead
{
	CpFacilities *f;
	int			cap;
	int32		srid;
	char	  **codes;
	int			ncodes;
	char	  **known;
	int			nknown;
	char	  **quiet;
	int			nquiet;
	bool		has_amount;
	const char *amount_column;
	const double *min_floor;	/* per code asked for, or NULL */
	const double *min_site;
	StringInfoData undersized;	/* the first few, for the NOTICE */
	OtherCategory *other;			/* categories not asked for */
	int			nother;
	int			other_cap;
	MemoryContext keep;
} FacilityRead;

static int
code_index(char **codes, int n, const char *code)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(codes[i], code) == 0)
			return i;
	return -1;
}

static void
count_other(FacilityRead *r, const char *code)
{
	int			i;

	for (i = 0; i < r->nother; i++)
		if (strcmp(r->other[i].code, code) == 0)
		{
			r->other[i].n++;
			return;
		}
	if (r->nother == r->other_cap)
	{
		r->other_cap *= 2;
		r->other = repalloc(r->other, sizeof(OtherCategory) * r->other_cap);
	}
	r->other[r->nother].code = MemoryContextStrdup(r->keep, code);
	r->other[r->nother].n = 1;
	r->other[r->nother].known = code_index(r->known, r->nknown, code) >= 0;
	r->other[r->nother].quiet = code_index(r->quiet, r->nquiet, code) >= 0;
	r->nother++;
}

static void
grow_facilities(FacilityRead *r)
{
	CpFacilities *f = r->f;

	if (f->n < r->cap)
		return;
	r->cap *= 2;
	f->id = repalloc_huge(f->id, sizeof(int64) * r->cap);
	f->category = repalloc_huge(f->category, sizeof(int) * r->cap);
	f->amount = repalloc_huge(f->amount, sizeof(double) * r->cap);
	f->placed = repalloc_huge(f->placed, sizeof(bool) * r->cap);
	f->x = repalloc_huge(f->x, sizeof(double) * r->cap);
	f->y = repalloc_huge(f->y, sizeof(double) * r->cap);
}

/* Columns of a facilities read: id, category, geom, amount, floor_area, site_area. */
#define FAC_FLOOR 4
#define FAC_SITE 5

/* A size of row v below the category's minimum: counted and named (the first five), the row left out. */
static bool
facility_undersized(FacilityRead *r, const CpRowValue *v, int ci)
{
	const char *what = NULL;
	double		size = 0,
				min = 0;
	int			c;

	for (c = FAC_FLOOR; c <= FAC_SITE; c++)
	{
		const double *mins = c == FAC_FLOOR ? r->min_floor : r->min_site;

		if (v[c].isnull || mins == NULL || !(mins[ci] > 0))
			continue;
		if (!(v[c].f >= 0 && !isinf(v[c].f)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a finite number, zero or more", c == FAC_FLOOR ? "floor_area" : "site_area"),
					 errdetail("Facility %lld has %s %g.", (long long) v[0].i,
							   c == FAC_FLOOR ? "floor_area" : "site_area", v[c].f),
					 errhint("NULL means the size is not known: the facility then counts.")));
		if (v[c].f < mins[ci])
		{
			what = c == FAC_FLOOR ? "floor area" : "site area";
			size = v[c].f;
			min = mins[ci];
			break;
		}
	}
	if (what == NULL)
		return false;
	if (r->f->undersized < 5)
	{
		MemoryContext old = MemoryContextSwitchTo(r->keep);

		appendStringInfo(&r->undersized, "%s%s %lld (%s %g m² < %g m²)", r->f->undersized > 0 ? ", " : "",
						 r->codes[ci], (long long) v[0].i, what, size, min);
		MemoryContextSwitchTo(old);
	}
	r->f->undersized++;
	return true;
}

static void
read_facility_row(const CpRowValue *v, void *arg)
{
	FacilityRead *r = arg;
	CpFacilities *f = r->f;
	int			ci,
				i;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a facility has a NULL id"),
				 errhint("Every facility needs an id.")));
	if (v[1].isnull)
	{
		f->ignored++;
		return;
	}
	ci = code_index(r->codes, r->ncodes, v[1].text);
	if (ci < 0)
	{
		count_other(r, v[1].text);
		return;
	}
	if (r->has_amount && !v[3].isnull && !(v[3].f >= 0 && !isinf(v[3].f)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, zero or more", r->amount_column),
				 errdetail("Facility %lld has %s %g.", (long long) v[0].i, r->amount_column, v[3].f),
				 errhint("NULL counts as 0.")));
	if (facility_undersized(r, v, ci))
		return;
	grow_facilities(r);
	i = f->n++;
	f->id[i] = v[0].i;
	f->category[i] = ci;
	f->amount[i] = r->has_amount && !v[3].isnull ? v[3].f : 0;
	f->placed[i] = !v[2].isnull &&
		cp_geom_point_in_srid(v[2].wkb, v[2].wkb_len, r->srid, &f->x[i], &f->y[i]);
	if (!f->placed[i])
	{
		f->x[i] = f->y[i] = 0;
		f->no_geom++;
	}
}

typedef struct CategoryId
{
	int			category;
	int64		id;
} CategoryId;

static int
cmp_category_id(const void *a, const void *b)
{
	const CategoryId *x = a,
			   *y = b;

	if (x->category != y->category)
		return x->category - y->category;
	return x->id < y->id ? -1 : x->id > y->id ? 1 : 0;
}

/*
 * 23505 for an id twice within a category; one OSM feature may well be a
 * facility of two categories (a clinic with a pharmacy), so ids repeat across them.
 */
static void
check_unique_facilities(const CpFacilities *f, char **codes)
{
	CategoryId *pairs;
	int			i;

	if (f->n < 2)
		return;
	pairs = palloc_extended(sizeof(CategoryId) * f->n, MCXT_ALLOC_HUGE);
	for (i = 0; i < f->n; i++)
		pairs[i] = (CategoryId) {f->category[i], f->id[i]};
	qsort(pairs, f->n, sizeof(CategoryId), cmp_category_id);
	for (i = 1; i < f->n; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (pairs[i].category == pairs[i - 1].category && pairs[i].id == pairs[i - 1].id)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("facilities query returned duplicate ids"),
					 errdetail("Facility %lld of category %s appears more than once.",
							   (long long) pairs[i].id, codes[pairs[i].category]),
					 errhint("A proposed facility added with UNION ALL needs an id of its own.")));
	}
	pfree(pairs);
}

static int
cmp_other(const void *a, const void *b)
{
	return strcmp(((const OtherCategory *) a)->code, ((const OtherCategory *) b)->code);
}

/* 22023 for categories nothing knows (a typo); a NOTICE for known ones not asked for. */
static void
report_other_categories(FacilityRead *r)
{
	StringInfoData unknown,
				outside,
				asked;
	int			i;

	if (r->nother == 0)
		return;
	qsort(r->other, r->nother, sizeof(OtherCategory), cmp_other);
	initStringInfo(&unknown);
	initStringInfo(&outside);
	initStringInfo(&asked);
	for (i = 0; i < r->nother; i++)
	{
		StringInfo	s = r->other[i].known ? &outside : &unknown;

		if (r->other[i].known)
			r->f->ignored += r->other[i].n;
		if (r->other[i].quiet && r->other[i].known)
			continue;
		if (s->len > 0)
			appendStringInfoString(s, ", ");
		if (r->other[i].known)
			appendStringInfo(s, "%s (%lld)", r->other[i].code, (long long) r->other[i].n);
		else
			appendStringInfo(s, "\"%s\" (%lld)", r->other[i].code, (long long) r->other[i].n);
	}
	for (i = 0; i < r->ncodes; i++)
		appendStringInfo(&asked, "%s%s", i > 0 ? ", " : "", r->codes[i]);
	if (unknown.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown facility category: %s", unknown.data),
				 errdetail("No standard set and no OSM mapping row uses it (facilities per category in brackets)."),
				 errhint("The categories of this set are: %s. A category of your own needs a row in cp.facility_categories (a set of your own, see cp.copy_standard).",
						 asked.data)));
	if (outside.len > 0 && cp_first_in_statement(psprintf("ignored:%s", outside.data)))	/* once per statement */
		ereport(NOTICE,
				(errmsg("facility categories not in the standard are ignored: %s", outside.data),
				 errhint("Categories asked for: %s.", asked.data)));
}

CpFacilities *
cp_units_read_facilities(const char *sql, int32 srid, char **codes, int ncodes,
						 char **known, int nknown, const char *amount_column,
						 const char *amount_hint)
{
	return cp_units_read_facilities_quiet(sql, srid, codes, ncodes, known, nknown, NULL, 0,
										  amount_column, amount_hint);
}

CpFacilities *
cp_units_read_facilities_quiet(const char *sql, int32 srid, char **codes, int ncodes,
							   char **known, int nknown, char **quiet, int nquiet,
							   const char *amount_column, const char *amount_hint)
{
	CpFacilityOptions opt = {quiet, nquiet, amount_column, amount_hint, NULL, NULL};

	return cp_units_read_facilities_opt(sql, srid, codes, ncodes, known, nknown, &opt);
}

CpFacilities *
cp_units_read_facilities_opt(const char *sql, int32 srid, char **codes, int ncodes,
							 char **known, int nknown, const CpFacilityOptions *opt)
{
	FacilityRead r = {0};
	CpFacilities *f = palloc0(sizeof(CpFacilities));
	char	  **quiet = opt->quiet;
	int			nquiet = opt->nquiet;
	const char *amount_column = opt->amount_column;
	const char *amount_hint = opt->amount_hint;
	bool		sized = opt->min_floor != NULL || opt->min_site != NULL;

	r.f = f;
	r.cap = 256;
	r.srid = srid;
	r.codes = codes;
	r.ncodes = ncodes;
	r.known = known;
	r.nknown = nknown;
	r.quiet = quiet;
	r.nquiet = nquiet;
	r.has_amount = amount_column != NULL;
	r.amount_column = amount_column;
	r.other_cap = 16;
	r.other = palloc(sizeof(OtherCategory) * r.other_cap);
	r.keep = CurrentMemoryContext;
	r.min_floor = opt->min_floor;
	r.min_site = opt->min_site;
	initStringInfo(&r.undersized);
	f->id = palloc(sizeof(int64) * r.cap);
	f->category = palloc(sizeof(int) * r.cap);
	f->amount = palloc(sizeof(double) * r.cap);
	f->placed = palloc(sizeof(bool) * r.cap);
	f->x = palloc(sizeof(double) * r.cap);
	f->y = palloc(sizeof(double) * r.cap);
	PG_TRY();
	{
		/* an unused amount slot stays absent; sizes only when minimums apply */
		CpColumn	cols[6] = {{"id", CP_COL_INT8, true}, {"category", CP_COL_TEXT, true},
		{"geom", CP_COL_GEOMETRY, true}, {r.has_amount ? amount_column : "id", CP_COL_INT8, false},
		{"floor_area", CP_COL_FLOAT8, false}, {"site_area", CP_COL_FLOAT8, false}};

		if (r.has_amount)
			cols[3] = (CpColumn) {amount_column, CP_COL_FLOAT8, true};
		cp_read_query(sql, "facilities", cols, sized ? 6 : (r.has_amount ? 4 : 3), read_facility_row, &r);
	}
	PG_CATCH();
	{
		/* a missing column: name every column this analysis needs */
		ErrorData  *e;
		MemoryContext cxt = MemoryContextSwitchTo(r.keep);

		e = CopyErrorData();
		MemoryContextSwitchTo(cxt);
		if (e->sqlerrcode != ERRCODE_UNDEFINED_COLUMN)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("facilities query must return columns id, category and geom%s%s",
						r.has_amount ? " and " : "", r.has_amount ? amount_column : ""),
				 errdetail("%s", e->message),
				 amount_hint ? errhint("%s", amount_hint) :
				 errhint("Map OSM features to categories with cp.osm_category(tags).")));
	}
	PG_END_TRY();
	report_other_categories(&r);
	check_unique_facilities(f, codes);
	if (f->undersized > 0 &&
		cp_first_in_statement(psprintf("undersized:%lld:%s", (long long) f->undersized, r.undersized.data)))
		ereport(NOTICE,
				(errmsg("%lld facilities below the minimum size of their category are not counted: %s%s",
						(long long) f->undersized, r.undersized.data, f->undersized > 5 ? ", ..." : ""),
				 errdetail("The minimum floor or site area of the category in the standard set (floor_area_min_m2, site_area_min_m2) applies to facilities whose query gives floor_area or site_area."),
				 errhint("cp.facility_sizes(facilities_sql, standard) lists every facility against its minimum.")));
	return f;
}
