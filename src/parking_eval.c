/*
 * parking_eval.c: the parking analysis in one C pass (cp._parking_eval).
 *
 * The buildings query (id, geom, use, households, floor_area), the car parks
 * query (id, geom, capacity) and, per community, the communities query
 * (id, geom) are each run once. Every check happens here while reading: NULL
 * ids (23502), duplicate ids (23505), negative or non-finite quantities
 * (22023), a use without a rule (22023, cp.parking_no_rule's message), a
 * missing column (42703). Demand comes from the set's rules (resolved once in
 * SQL, cp._parking_rules), capacity as given or from the polygon's area
 * (parking_rules.c); the allocation is cp_parking_allocate (parking.c); the
 * result is one row per pair, building, car park or community. Nothing is
 * written anywhere: no temp table, no catalogue row, so it runs on a hot
 * standby and in read-only transactions.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "catalog/pg_collation.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/formatting.h"
#include "utils/plancache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"
#include "utils/varlena.h"

#include "communities.h"
#include "ewkb.h"
#include "network.h"
#include "parking.h"
#include "query_reader.h"
#include "units.h"

PG_FUNCTION_INFO_V1(cp_parking_eval_sql);
PG_FUNCTION_INFO_V1(cp_parking_eval_v2_sql);

typedef enum EvalPer
{
	PER_ALLOCATION,
	PER_BUILDINGS,
	PER_LOTS,
	PER_COMMUNITIES
} EvalPer;

typedef enum CapacitySource
{
	CAP_GIVEN,
	CAP_AREA,
	CAP_UNKNOWN,
	CAP_TYPE,					/* 0.3.0: the typical capacity of its type */
	CAP_DEFAULT					/* 0.3.0: the call's default_capacity */
} CapacitySource;

static const char *const capacity_source_name[] = {"given", "area", "unknown", "type", "default"};

#define B_HH_KNOWN	0x01
#define B_FA_KNOWN	0x02
#define B_GEOM		0x04		/* geom not NULL */
#define B_PLACED	0x08		/* has a representative point */
#define B_BAD		0x10		/* negative or non-finite quantity */
#define B_NO_RULE	0x20		/* a use without a rule that applies */

typedef struct Bld
{
	int64		id;
	int32		use;			/* into the distinct uses; -1: NULL */
	uint8		flags;
	double		households;
	double		floor_area;
	double		demand;
	double		x;
	double		y;
	bytea	   *geom;			/* as given, when the result carries it */
} Bld;

typedef struct Lot
{
	int64		id;
	uint8		flags;			/* B_GEOM, B_PLACED, B_BAD */
	uint8		source;			/* CapacitySource */
	double		given;
	double		capacity;
	double		area;			/* estimated area (source area), m² */
	double		x;
	double		y;
	bytea	   *geom;
} Lot;

/* A distinct use of the buildings and the rules of the set for it, in priority order. */
typedef struct UseEntry
{
	char	   *use;
	uint32		hash;
	int		   *rule;
	int			nrule;
	const char *mapped;			/* the code cp.parking_use_map gave it, or NULL */
} UseEntry;

typedef struct Eval
{
	EvalPer		per;
	int32		srid;			/* the network's: representative points */
	double		m2_per_space;
	const CpParkRules *rules;
	MemoryContext cxt;			/* the call's: arrays and kept geometries */
	/* buildings */
	Bld		   *bld;
	int			nbld;
	int			bld_cap;
	int64		bld_null_ids;
	int64		no_use;
	int64		no_qty;
	/* distinct uses: open addressing over uses_slot (power of two) */
	UseEntry   *uses;
	int			nuses;
	int			uses_cap;
	int32	   *uses_slot;
	int			nslots;
	/* car parks */
	Lot		   *lot;
	int			nlot;
	int			lot_cap;
	int64		lot_null_ids;
	int64		unknown_capacity;
	double		kept_bytes;		/* geometries kept for the result */
	/* 0.3.0 (cp_parking_eval_v2_sql): use map, capacities by type, default */
	bool		v2;
	int			nmap;
	char	  **map_word;		/* lower-cased, trimmed */
	char	  **map_code;
	int			ntype;
	char	  **type_word;		/* lower-cased, trimmed */
	double	   *type_capacity;
	double		default_capacity;	/* 0: none */
	bool		lot_has_type;	/* the parking query returns a type column */
	int64		by_type;
	int64		by_default;
	double		estimated_spaces;	/* by type or default */
	/* allocation */
	ReturnSetInfo *rsinfo;
	double	   *supplied;		/* per building */
	int32	   *bld_pairs;
	double	   *allocated;		/* per car park */
	int32	   *lot_pairs;
} Eval;

static char *
float_text(bool known, double v)
{
	return known ? float8out_internal(v) : pstrdup("NULL");
}

/* A word as the mappings store it: blanks trimmed, lower-cased as SQL's lower() does. */
static char *
map_key(const char *word, size_t len)
{
	while (len > 0 && isspace((unsigned char) *word))
	{
		word++;
		len--;
	}
	while (len > 0 && isspace((unsigned char) word[len - 1]))
		len--;
	return str_tolower(word, len, DEFAULT_COLLATION_OID);
}

/* The value of a word in a mapping (keys normalised by map_key), or NULL. */
static const char *
map_lookup(char **keys, char **values, int n, const char *word)
{
	char	   *k = map_key(word, strlen(word));
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i], k) == 0)
			return values[i];
	return NULL;
}

/* The typical capacity of a car park's type: the whole type, then its last word after ';'. */
static bool
type_capacity(const Eval *ev, const char *type, double *capacity)
{
	const char *leaf = strrchr(type, ';');
	int			pass,
				i;

	for (pass = 0; pass < 2; pass++)
	{
		const char *w = pass == 0 ? type : leaf ? leaf + 1 : NULL;
		char	   *k;

		if (w == NULL)
			break;
		k = map_key(w, strlen(w));
		for (i = 0; i < ev->ntype; i++)
			if (strcmp(ev->type_word[i], k) == 0)
			{
				*capacity = ev->type_capacity[i];
				return true;
			}
	}
	return false;
}

/* The rule indexes of a use, in the order SQL gave them (its priority). */
static void
use_rules(Eval *ev, UseEntry *u)
{
	int			i;

	u->rule = MemoryContextAlloc(ev->cxt, sizeof(int) * Max(ev->rules->n, 1));
	u->nrule = 0;
	for (i = 0; i < ev->rules->n; i++)
		if (strcmp(ev->rules->use[i], u->use) == 0)
			u->rule[u->nrule++] = i;
	u->mapped = NULL;
	if (u->nrule > 0 || ev->nmap == 0)
		return;
	/* no rule for the word itself: its code in cp.parking_use_map, else the word as a key ('Residential ') */
	u->mapped = map_lookup(ev->map_word, ev->map_code, ev->nmap, u->use);
	if (u->mapped == NULL)
	{
		char	   *k = map_key(u->use, strlen(u->use));

		if (strcmp(k, u->use) == 0)
			return;
		for (i = 0; i < ev->rules->n && u->mapped == NULL; i++)
			if (strcmp(ev->rules->use[i], k) == 0)
				u->mapped = MemoryContextStrdup(ev->cxt, k);
		if (u->mapped == NULL)
			return;
	}
	for (i = 0; i < ev->rules->n; i++)
		if (strcmp(ev->rules->use[i], u->mapped) == 0)
			u->rule[u->nrule++] = i;
}

static void
uses_rehash(Eval *ev, int nslots)
{
	int			i;

	ev->nslots = nslots;
	ev->uses_slot = MemoryContextAlloc(ev->cxt, sizeof(int32) * nslots);
	for (i = 0; i < nslots; i++)
		ev->uses_slot[i] = -1;
	for (i = 0; i < ev->nuses; i++)
	{
		uint32		s = ev->uses[i].hash & (nslots - 1);

		while (ev->uses_slot[s] >= 0)
			s = (s + 1) & (nslots - 1);
		ev->uses_slot[s] = i;
	}
}

/* The index of a use among the distinct uses, added when new. */
static int32
use_index(Eval *ev, const char *use)
{
	size_t		len = strlen(use);
	uint32		h = hash_bytes((const unsigned char *) use, (int) len);
	uint32		s = h & (ev->nslots - 1);
	UseEntry   *u;

	for (; ev->uses_slot[s] >= 0; s = (s + 1) & (ev->nslots - 1))
	{
		u = &ev->uses[ev->uses_slot[s]];
		if (u->hash == h && strcmp(u->use, use) == 0)
			return ev->uses_slot[s];
	}
	if (ev->nuses == ev->uses_cap)
	{
		ev->uses_cap *= 2;
		ev->uses = repalloc(ev->uses, sizeof(UseEntry) * ev->uses_cap);
	}
	u = &ev->uses[ev->nuses];
	u->use = MemoryContextStrdup(ev->cxt, use);
	u->hash = h;
	use_rules(ev, u);
	ev->uses_slot[s] = ev->nuses++;
	if (ev->nuses * 2 > ev->nslots)
		uses_rehash(ev, ev->nslots * 2);
	return ev->nuses - 1;
}

static bytea *
keep_geom(Eval *ev, const CpRowValue *v)
{
	bytea	   *b;

	ev->kept_bytes += VARHDRSZ + v->wkb_len;
	b = MemoryContextAlloc(ev->cxt, VARHDRSZ + v->wkb_len);
	SET_VARSIZE(b, VARHDRSZ + v->wkb_len);
	memcpy(VARDATA(b), v->wkb, v->wkb_len);
	return b;
}

static void
check_growth(Eval *ev, double more_bytes)
{
	cp_check_call_memory("the parking analysis's buildings and car parks",
						 sizeof(Bld) * (double) ev->bld_cap + sizeof(Lot) * (double) ev->lot_cap +
						 ev->kept_bytes + more_bytes,
						 "Use fewer buildings and car parks per call, or raise community_planning.max_call_memory.");
}

/* Row: id, geom, use, households, floor_area. Demand and the point are made here. */
static void
read_building(const CpRowValue *v, void *arg)
{
	Eval	   *ev = arg;
	Bld		   *b;

	if (v[0].isnull)
	{
		ev->bld_null_ids++;		/* reported with their count after the read */
		return;
	}
	if (ev->nbld == ev->bld_cap)
	{
		check_growth(ev, sizeof(Bld) * (double) ev->bld_cap);
		ev->bld_cap *= 2;
		ev->bld = repalloc_huge(ev->bld, sizeof(Bld) * ev->bld_cap);
	}
	b = &ev->bld[ev->nbld++];
	memset(b, 0, sizeof(Bld));
	b->id = v[0].i;
	b->use = v[2].isnull ? -1 : use_index(ev, v[2].text);
	if (!v[3].isnull)
	{
		b->flags |= B_HH_KNOWN;
		b->households = v[3].f;
		if (!(b->households >= 0 && b->households < INFINITY))
			b->flags |= B_BAD;
	}
	if (!v[4].isnull)
	{
		b->flags |= B_FA_KNOWN;
		b->floor_area = v[4].f;
		if (!(b->floor_area >= 0 && b->floor_area < INFINITY))
			b->flags |= B_BAD;
	}
	if (!v[1].isnull)
	{
		(void) cp_ewkb_check(v[1].wkb, v[1].wkb_len);
		b->flags |= B_GEOM;
		if (ev->per == PER_BUILDINGS)
			b->geom = keep_geom(ev, &v[1]);
	}
	if (b->flags & B_BAD)
		return;
	if (b->use < 0)
		ev->no_use++;
	else
	{
		const UseEntry *u = &ev->uses[b->use];
		const CpParkRules *r = ev->rules;
		int			k = cp_parking_rule_for(r, u->rule, u->nrule,
											(b->flags & B_HH_KNOWN) != 0, b->households,
											(b->flags & B_FA_KNOWN) != 0, b->floor_area);

		if (k < 0)
		{
			b->flags |= B_NO_RULE;
			return;
		}
		if (r->per_household[k] ? !(b->flags & B_HH_KNOWN) : !(b->flags & B_FA_KNOWN))
			ev->no_qty++;
		else
			/* SQL's float8 arithmetic, its overflow and underflow errors (22003) included */
			b->demand = r->per_household[k] ? float8_mul(b->households, r->spaces[k])
				: float8_mul(float8_div(b->floor_area, 100.0), r->spaces[k]);
	}
	if (b->demand > 0 && (b->flags & B_GEOM) &&
		cp_geom_point_in_srid(v[1].wkb, v[1].wkb_len, ev->srid, &b->x, &b->y))
		b->flags |= B_PLACED;
}

/* Row: id, geom, capacity. Capacity as given, else from the area of a polygon. */
static void
read_lot(const CpRowValue *v, void *arg)
{
	Eval	   *ev = arg;
	Lot		   *l;

	if (v[0].isnull)
	{
		ev->lot_null_ids++;
		return;
	}
	if (ev->nlot == ev->lot_cap)
	{
		check_growth(ev, sizeof(Lot) * (double) ev->lot_cap);
		ev->lot_cap *= 2;
		ev->lot = repalloc_huge(ev->lot, sizeof(Lot) * ev->lot_cap);
	}
	l = &ev->lot[ev->nlot++];
	memset(l, 0, sizeof(Lot));
	l->id = v[0].i;
	if (!v[1].isnull)
	{
		(void) cp_ewkb_check(v[1].wkb, v[1].wkb_len);
		l->flags |= B_GEOM;
		if (ev->per == PER_LOTS)
			l->geom = keep_geom(ev, &v[1]);
	}
	if (!v[2].isnull)
	{
		l->source = CAP_GIVEN;
		l->given = l->capacity = v[2].f;
		if (!(l->given >= 0 && l->given < INFINITY))
		{
			l->flags |= B_BAD;
			return;
		}
	}
	else if ((l->flags & B_GEOM) && cp_parking_area(v[1].wkb, v[1].wkb_len, &l->area))
	{
		l->source = CAP_AREA;
		l->capacity = cp_parking_spaces_from_area(l->area, ev->m2_per_space);
	}
	else if (ev->lot_has_type && !v[3].isnull && type_capacity(ev, v[3].text, &l->capacity))
	{
		l->source = CAP_TYPE;
		ev->by_type++;
		ev->estimated_spaces += l->capacity;
	}
	else if (ev->default_capacity > 0)
	{
		l->source = CAP_DEFAULT;
		l->capacity = ev->default_capacity;
		ev->by_default++;
		ev->estimated_spaces += l->capacity;
	}
	else
	{
		l->source = CAP_UNKNOWN;
		ev->unknown_capacity++;
	}
	if (l->capacity > 0 && (l->flags & B_GEOM) &&
		cp_geom_point_in_srid(v[1].wkb, v[1].wkb_len, ev->srid, &l->x, &l->y))
		l->flags |= B_PLACED;
}

#define ST_SORT sort_bld
#define ST_ELEMENT_TYPE Bld
#define ST_COMPARE(a, b) ((a)->id < (b)->id ? -1 : (a)->id > (b)->id)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

#define ST_SORT sort_lot
#define ST_ELEMENT_TYPE Lot
#define ST_COMPARE(a, b) ((a)->id < (b)->id ? -1 : (a)->id > (b)->id)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

typedef struct CallerQuery
{
	const char *sql;
	const char *what;
	CpColumn   *cols;
	int			ncols;
	CpRowCallback callback;
	void	   *arg;
	CpCommunities *com;			/* communities: cp_communities_read's result */
	int32		srid;
	Eval	   *lots_of;		/* car parks (0.3.0): the optional type column */
	const char *raw_sql;
} CallerQuery;

static bool query_has_column(const char *sql, const char *name);

static void
run_caller_query(CallerQuery *q)
{
	if (q->lots_of)
	{
		Eval	   *ev = q->lots_of;

		ev->lot_has_type = ev->ntype > 0 && query_has_column(q->raw_sql, "type");
		q->sql = psprintf("SELECT id::bigint AS id, geom, capacity::float8 AS capacity%s FROM (\n%s\n) q",
						  ev->lot_has_type ? ", type::text AS type" : "", q->raw_sql);
		q->ncols = ev->lot_has_type ? 4 : 3;
	}
	if (q->cols)
		cp_read_query(q->sql, q->what, q->cols, q->ncols, q->callback, q->arg);
	else
		q->com = cp_communities_read(q->sql, q->srid);
}

/*
 * Run one caller query (wrapped in the casts of the SQL functions of 0.1.0);
 * a missing column is reported as they always did ("buildings query: column
 * "x" does not exist", 42703, the columns it must return in the detail).
 */
static void
read_caller_query(CallerQuery *q, const char *columns_detail)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		run_caller_query(q);
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(cxt);
		ed = CopyErrorData();
		if (ed->sqlerrcode != ERRCODE_UNDEFINED_COLUMN)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("%s query: %s", q->what, ed->message),
				 errdetail("%s", columns_detail)));
	}
	PG_END_TRY();
}

/* Raises cp.parking_no_rule's error for the first use (in the text order of SQL) without a rule. */
static void
no_rule_error(const Eval *ev, const char *standard, const char *community_type)
{
	const char *first = NULL;
	const char *mapped = NULL;
	int			i;
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[4];

	for (i = 0; i < ev->nbld; i++)
	{
		const char *u;

		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!(ev->bld[i].flags & B_NO_RULE))
			continue;
		u = ev->uses[ev->bld[i].use].use;
		if (first == NULL || varstr_cmp(u, strlen(u), first, strlen(first), DEFAULT_COLLATION_OID) < 0)
		{
			first = u;
			mapped = ev->uses[ev->bld[i].use].mapped;
		}
	}
	if (first == NULL)
		return;
	args[0] = CStringGetTextDatum(standard);
	args[1] = CStringGetTextDatum(first);
	args[2] = CStringGetTextDatum(community_type);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (ev->v2)
	{
		char		nulls[4] = {' ', ' ', ' ', ' '};

		/* with cp.parking_use_map in the message */
		if (mapped)
			args[3] = CStringGetTextDatum(mapped);
		else
			nulls[3] = 'n';
		SPI_execute_with_args("SELECT cp._parking_no_rule($1, $2, $3, $4)", 4, types, args, nulls, true, 1);
	}
	else
		SPI_execute_with_args("SELECT cp.parking_no_rule($1, $2, $3)", 3, types, args, NULL, true, 1);
	/* it always raises; should it not, the rule is still missing */
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("standard set \"%s\" has no parking rule for use \"%s\"", standard, first)));
}

static void
check_buildings(Eval *ev, const char *standard, const char *community_type)
{
	int			i;

	if (ev->bld_null_ids > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("buildings query returned %lld rows with a NULL id", (long long) ev->bld_null_ids)));
	sort_bld(ev->bld, ev->nbld);
	for (i = 1; i < ev->nbld; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (ev->bld[i].id == ev->bld[i - 1].id)
			cp_duplicate_id_error("buildings", "building", ev->bld[i].id, NULL);
	}
	for (i = 0; i < ev->nbld; i++)
	{
		const Bld  *b = &ev->bld[i];

		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (b->flags & B_BAD)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("households and floor area must be finite and not negative"),
					 errdetail("Building %lld has households %s and floor area %s m².", (long long) b->id,
							   float_text(b->flags & B_HH_KNOWN, b->households),
							   float_text(b->flags & B_FA_KNOWN, b->floor_area)),
					 errhint("Pass NULL for an unknown quantity.")));
	}
	no_rule_error(ev, standard, community_type);
}

static void
check_lots(Eval *ev)
{
	int			i;

	if (ev->lot_null_ids > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("parking query returned %lld rows with a NULL id", (long long) ev->lot_null_ids)));
	sort_lot(ev->lot, ev->nlot);
	for (i = 1; i < ev->nlot; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (ev->lot[i].id == ev->lot[i - 1].id)
			cp_duplicate_id_error("parking", "car park", ev->lot[i].id,
								  "A proposed car park added with UNION ALL needs an id of its own.");
	}
	for (i = 0; i < ev->nlot; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (ev->lot[i].flags & B_BAD)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("parking capacity must be finite and not negative"),
					 errdetail("Car park %lld has capacity %s.", (long long) ev->lot[i].id,
							   float8out_internal(ev->lot[i].given)),
					 errhint("Pass NULL to estimate the capacity from the car park's area.")));
	}
}

/*
 * The sites of the allocation: rows with an amount and a geometry take part
 * (NOTICE for those whose geometry is empty or too far from the network).
 */
static CpParkSite *
snap_sites(CpNetwork *net, double max_snap, int n, const char *what,
		   const int64 *(*row) (const void *base, int i, double *amount, uint8 *flags, double *x, double *y),
		   const void *base)
{
	CpParkSite *s = palloc_extended(sizeof(CpParkSite) * Max(n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	int64		no_geom = 0,
				unsnapped = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		double		amount,
					x,
					y;
		uint8		flags;
		CpSnap		snap;

		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		s[i].id = *row(base, i, &amount, &flags, &x, &y);
		if (!(amount > 0) || !(flags & B_GEOM))
			continue;
		if (!(flags & B_PLACED))
		{
			no_geom++;
			continue;
		}
		snap = cp_snap_point(net, x, y, max_snap);
		if (!snap.found)
		{
			unsnapped++;
			continue;
		}
		s[i].amount = amount;
		s[i].usable = true;
		s[i].piece = snap.piece;
		s[i].fraction = snap.fraction;
	}
	if (no_geom > 0)
		ereport(NOTICE,
				(errmsg("%lld %s with NULL or empty geometry take no part in the allocation",
						(long long) no_geom, what)));
	if (unsnapped > 0)
		ereport(NOTICE,
				(errmsg("%lld %s lie more than %g m from the network and take no part in the allocation",
						(long long) unsnapped, what, max_snap)));
	return s;
}

static const int64 *
bld_row(const void *base, int i, double *amount, uint8 *flags, double *x, double *y)
{
	const Bld  *b = &((const Bld *) base)[i];

	*amount = b->demand;
	*flags = b->flags;
	*x = b->x;
	*y = b->y;
	return &b->id;
}

static const int64 *
lot_row(const void *base, int i, double *amount, uint8 *flags, double *x, double *y)
{
	const Lot  *l = &((const Lot *) base)[i];

	*amount = l->capacity;
	*flags = l->flags;
	*x = l->x;
	*y = l->y;
	return &l->id;
}

#define NCOLS 13				/* 12 for cp_parking_eval_sql: the last one is not read */

static void
put_row(Eval *ev, Datum *values, bool *nulls)
{
	tuplestore_putvalues(ev->rsinfo->setResult, ev->rsinfo->setDesc, values, nulls);
}

static void
serve_pair(int32 b, int32 p, double distance_m, double spaces, void *arg)
{
	Eval	   *ev = arg;

	if (ev->per == PER_ALLOCATION)
	{
		Datum		values[NCOLS] = {0};
		bool		nulls[NCOLS];

		memset(nulls, true, sizeof(nulls));
		values[0] = Int64GetDatum(ev->bld[b].id);
		values[1] = Int64GetDatum(ev->lot[p].id);
		values[5] = Float8GetDatum(distance_m);
		values[8] = Float8GetDatum(spaces);
		nulls[0] = nulls[1] = nulls[5] = nulls[8] = false;
		put_row(ev, values, nulls);
		return;
	}
	ev->supplied[b] += spaces;
	ev->bld_pairs[b]++;
	ev->allocated[p] += spaces;
	ev->lot_pairs[p]++;
}

static void
put_buildings(Eval *ev)
{
	int			i;

	for (i = 0; i < ev->nbld; i++)
	{
		const Bld  *b = &ev->bld[i];
		Datum		values[NCOLS] = {0};
		bool		nulls[NCOLS];

		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		memset(nulls, true, sizeof(nulls));
		values[0] = Int64GetDatum(b->id);
		nulls[0] = false;
		if (b->use >= 0)
		{
			values[3] = CStringGetTextDatum(ev->uses[b->use].use);
			nulls[3] = false;
		}
		values[6] = Float8GetDatum(b->demand);
		values[8] = Float8GetDatum(ev->supplied[i]);
		values[9] = Int32GetDatum(ev->bld_pairs[i]);
		nulls[6] = nulls[8] = nulls[9] = false;
		if (b->geom)
		{
			values[11] = PointerGetDatum(b->geom);
			nulls[11] = false;
		}
		put_row(ev, values, nulls);
	}
}

static void
put_lots(Eval *ev)
{
	int			i;

	for (i = 0; i < ev->nlot; i++)
	{
		const Lot  *l = &ev->lot[i];
		Datum		values[NCOLS] = {0};
		bool		nulls[NCOLS];

		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		memset(nulls, true, sizeof(nulls));
		values[1] = Int64GetDatum(l->id);
		values[4] = CStringGetTextDatum(capacity_source_name[l->source]);
		values[7] = Float8GetDatum(l->capacity);
		values[8] = Float8GetDatum(ev->allocated[i]);
		values[9] = Int32GetDatum(ev->lot_pairs[i]);
		nulls[1] = nulls[4] = nulls[7] = nulls[8] = nulls[9] = false;
		if (l->source == CAP_AREA)
		{
			values[10] = Float8GetDatum(l->area);
			nulls[10] = false;
		}
		values[12] = Float8GetDatum(l->source == CAP_GIVEN ? 0.0 : l->capacity);
		nulls[12] = false;
		if (l->geom)
		{
			values[11] = PointerGetDatum(l->geom);
			nulls[11] = false;
		}
		put_row(ev, values, nulls);
	}
}

/*
 * Per community (the one membership rule, communities.h): demand of its
 * buildings, capacity of its car parks, spaces allocated to its buildings.
 * Buildings without demand and car parks without spaces add nothing.
 */
static void
put_communities(Eval *ev, const char *communities_sql, int32 srid)
{
	CallerQuery q = {0};
	CpCommunities *com;
	int			ng,
				g,
				i;
	double	   *demand;
	double	   *inside;
	double	   *supplied;
	double	   *estimated;
	int64		outside_b = 0,
				outside_l = 0;

	q.what = "communities";
	q.srid = srid;
	if (communities_sql)
	{
		q.sql = psprintf("SELECT id::bigint AS id, geom FROM (\n%s\n) q", communities_sql);
		read_caller_query(&q, "It must return the columns id, geom.");
	}
	else
		run_caller_query(&q);
	com = q.com;
	ng = cp_communities_count(com);
	demand = palloc0(sizeof(double) * Max(ng, 1));
	inside = palloc0(sizeof(double) * Max(ng, 1));
	supplied = palloc0(sizeof(double) * Max(ng, 1));
	estimated = palloc0(sizeof(double) * Max(ng, 1));
	for (i = 0; i < ev->nbld; i++)
	{
		const Bld  *b = &ev->bld[i];

		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!(b->demand > 0) || !(b->flags & B_GEOM))
			continue;
		g = cp_communities_of(com, (b->flags & B_PLACED) != 0, b->x, b->y);
		if (g < 0)
		{
			outside_b++;
			continue;
		}
		demand[g] = float8_pl(demand[g], b->demand);
		supplied[g] = float8_pl(supplied[g], ev->supplied[i]);
	}
	for (i = 0; i < ev->nlot; i++)
	{
		const Lot  *l = &ev->lot[i];

		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!(l->capacity > 0) || !(l->flags & B_GEOM))
			continue;
		g = cp_communities_of(com, (l->flags & B_PLACED) != 0, l->x, l->y);
		if (g < 0)
		{
			outside_l++;
			continue;
		}
		inside[g] = float8_pl(inside[g], l->capacity);
		if (l->source != CAP_GIVEN)
			estimated[g] = float8_pl(estimated[g], l->capacity);
	}
	cp_communities_report_outside(com, outside_b, "buildings with parking demand");
	cp_communities_report_outside(com, outside_l, "car parks with spaces");
	for (g = 0; g < ng; g++)
	{
		Datum		values[NCOLS] = {0};
		bool		nulls[NCOLS];
		bytea	   *geom;

		CHECK_FOR_INTERRUPTS();
		memset(nulls, true, sizeof(nulls));
		if (cp_communities_by_community(com))
		{
			values[2] = Int64GetDatum(cp_communities_id(com, g));
			nulls[2] = false;
		}
		values[6] = Float8GetDatum(demand[g]);
		values[7] = Float8GetDatum(inside[g]);
		values[8] = Float8GetDatum(supplied[g]);
		values[12] = Float8GetDatum(estimated[g]);
		nulls[6] = nulls[7] = nulls[8] = nulls[12] = false;
		geom = cp_communities_geom(com, g);
		if (geom)
		{
			values[11] = PointerGetDatum(geom);
			nulls[11] = false;
		}
		put_row(ev, values, nulls);
	}
}

/*
 * cp._parking_eval(network, buildings_sql, parking_sql, communities_sql,
 *                  walk_m, m2_per_space, max_snap_m, standard, community_type,
 *                  uses, bases, spaces, flat_min, flat_max, per)
 * per: 'allocation' (building_id, parking_id, distance_m, spaces per pair, in
 * allocation order), 'buildings' (building_id, use, demand, spaces supplied,
 * pairs, geom), 'lots' (parking_id, capacity_source, capacity, spaces
 * allocated, pairs, area_m2, geom) or 'communities' (community_id, demand,
 * capacity inside, spaces allocated, geom; communities_sql NULL: one row for
 * the whole area). The rules come from cp._parking_rules; standard and
 * community_type only name them in errors.
 */
/* Text arrays of a mapping (no NULLs), keys normalised by map_key. */
static char **
text_array(ArrayType *a, const char *name, bool keys, int *n)
{
	Datum	   *d;
	bool	   *nulls;
	char	  **out;
	int			i;

	if (ARR_NDIM(a) > 1 || ARR_ELEMTYPE(a) != TEXTOID)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array of text", name)));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &d, &nulls, n);
	out = palloc(sizeof(char *) * Max(*n, 1));
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", name)));
		out[i] = TextDatumGetCString(d[i]);
		if (keys)
			out[i] = map_key(out[i], strlen(out[i]));
	}
	return out;
}

/*
 * Whether a caller's query returns a column of that name: the query is
 * parsed and analysed (SPI_prepare), never run, so it still runs once.
 */
static bool
query_has_column(const char *sql, const char *name)
{
	SPIPlanPtr	plan;
	List	   *sources;
	TupleDesc	desc;
	bool		found = false;
	int			i;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(psprintf("SELECT * FROM (\n%s\n) q", sql), 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	sources = SPI_plan_get_plan_sources(plan);
	desc = sources != NIL ? ((CachedPlanSource *) linitial(sources))->resultDesc : NULL;
	for (i = 0; desc != NULL && i < desc->natts && !found; i++)
		found = !TupleDescAttr(desc, i)->attisdropped && strcmp(NameStr(TupleDescAttr(desc, i)->attname), name) == 0;
	SPI_finish();
	return found;
}

static Datum parking_eval(FunctionCallInfo fcinfo, bool v2);

/* 0.2.0 and 0.3.0: the 15 arguments, no mappings, no default capacity */
Datum
cp_parking_eval_sql(PG_FUNCTION_ARGS)
{
	return parking_eval(fcinfo, false);
}

/*
 * 0.3.0: uses mapped through use_words/use_codes, capacities by type
 * (type_words/type_capacities, the parking query's optional type column) and
 * default_capacity (NULL or 0: none); a 13th column, the estimated spaces;
 * by_time (21st argument): walk_m is slope-weighted metres (the caller's
 * minutes times the profile's metres per minute) and the search measures
 * time, as cp.coverage and cp.supply_gap do.
 */
Datum
cp_parking_eval_v2_sql(PG_FUNCTION_ARGS)
{
	return parking_eval(fcinfo, true);
}

static Datum
parking_eval(FunctionCallInfo fcinfo, bool v2)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Eval		ev;
	char	   *network,
			   *buildings_sql,
			   *parking_sql,
			   *communities_sql = NULL,
			   *standard,
			   *community_type,
			   *per;
	CallerQuery q = {0};
	double		walk_m,
				max_snap;
	bool		by_time = false;
	CpNetwork  *net;
	CpParkSite *bsites,
			   *lsites;
	instr_time	start;
	int			i;
	CpColumn	bcols[5] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true},
	{"use", CP_COL_TEXT, true}, {"households", CP_COL_FLOAT8, true},
	{"floor_area", CP_COL_FLOAT8, true}};
	CpColumn	lcols[4] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true},
	{"capacity", CP_COL_FLOAT8, true}, {"type", CP_COL_TEXT, true}};

	/* PG_NARGS: a declaration of the v2 symbol without by_time (20 arguments) measures metres */
	for (i = 0; i < (v2 ? Min(PG_NARGS(), 21) : 15); i++)
		if (i != 3 && i != 19 && PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument %d of cp._parking_eval must not be NULL", i + 1)));
	memset(&ev, 0, sizeof(ev));
	network = text_to_cstring(PG_GETARG_TEXT_PP(0));
	buildings_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	parking_sql = text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (!PG_ARGISNULL(3))
		communities_sql = text_to_cstring(PG_GETARG_TEXT_PP(3));
	walk_m = PG_GETARG_FLOAT8(4);
	ev.m2_per_space = PG_GETARG_FLOAT8(5);
	max_snap = PG_GETARG_FLOAT8(6);
	standard = text_to_cstring(PG_GETARG_TEXT_PP(7));
	community_type = text_to_cstring(PG_GETARG_TEXT_PP(8));
	per = text_to_cstring(PG_GETARG_TEXT_PP(14));
	if (strcmp(per, "allocation") == 0)
		ev.per = PER_ALLOCATION;
	else if (strcmp(per, "buildings") == 0)
		ev.per = PER_BUILDINGS;
	else if (strcmp(per, "lots") == 0)
		ev.per = PER_LOTS;
	else if (strcmp(per, "communities") == 0)
		ev.per = PER_COMMUNITIES;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("per must be 'allocation', 'buildings', 'lots' or 'communities', not \"%s\"", per)));

	if (v2 && PG_NARGS() > 20)
		by_time = PG_GETARG_BOOL(20);

	/* settings, each checked once */
	cp_parking_check_cutoff(walk_m, max_snap, by_time);
	if (!(ev.m2_per_space > 0 && ev.m2_per_space < INFINITY))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("area per parking space must be a finite number above zero"),
				 errdetail("The value given is %s.", float8out_internal(ev.m2_per_space))));
	cp_check_arg("m2_per_space", ev.m2_per_space, CP_MIN_M2_PER_SPACE, CP_MAX_M2_PER_SPACE, "square metres");
	ev.rules = cp_parking_rules_from_arrays(PG_GETARG_ARRAYTYPE_P(9), PG_GETARG_ARRAYTYPE_P(10),
											PG_GETARG_ARRAYTYPE_P(11), PG_GETARG_ARRAYTYPE_P(12),
											PG_GETARG_ARRAYTYPE_P(13));
	ev.v2 = v2;
	if (v2)
	{
		int			ncode,
					ncap;
		Datum	   *caps;
		bool	   *capnulls;
		ArrayType  *a;

		ev.map_word = text_array(PG_GETARG_ARRAYTYPE_P(15), "use_words", true, &ev.nmap);
		ev.map_code = text_array(PG_GETARG_ARRAYTYPE_P(16), "use_codes", false, &ncode);
		ev.type_word = text_array(PG_GETARG_ARRAYTYPE_P(17), "type_words", true, &ev.ntype);
		a = PG_GETARG_ARRAYTYPE_P(18);
		if (ARR_NDIM(a) > 1 || ARR_ELEMTYPE(a) != FLOAT8OID)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("type_capacities must be a one-dimensional array of double precision")));
		deconstruct_array(a, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &caps, &capnulls, &ncap);
		if (ncode != ev.nmap || ncap != ev.ntype)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("use_words and use_codes, type_words and type_capacities must have the same length"),
					 errdetail("The lengths are %d, %d, %d and %d.", ev.nmap, ncode, ev.ntype, ncap)));
		ev.type_capacity = palloc(sizeof(double) * Max(ncap, 1));
		for (i = 0; i < ncap; i++)
		{
			ev.type_capacity[i] = capnulls[i] ? -1 : DatumGetFloat8(caps[i]);
			if (!(ev.type_capacity[i] >= 0 && ev.type_capacity[i] <= CP_MAX_DEFAULT_CAPACITY))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("a car park type's capacity must be a number of spaces from 0 to %g",
								CP_MAX_DEFAULT_CAPACITY),
						 errdetail("Type \"%s\" has capacity %s.", ev.type_word[i],
								   capnulls[i] ? "NULL" : float8out_internal(DatumGetFloat8(caps[i])))));
		}
		ev.default_capacity = PG_ARGISNULL(19) ? 0 : PG_GETARG_FLOAT8(19);
		if (!(ev.default_capacity >= 0 && ev.default_capacity <= CP_MAX_DEFAULT_CAPACITY))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("default_capacity must be a number of spaces from 0 to %g", CP_MAX_DEFAULT_CAPACITY),
					 errdetail("The value given is %s.", float8out_internal(ev.default_capacity)),
					 errhint("Pass 0 to count car parks without capacity or area as 0 spaces.")));
	}
	INSTR_TIME_SET_CURRENT(start);
	net = cp_network_get(network);
	ev.srid = net->hdr->srid;
	ev.cxt = CurrentMemoryContext;
	ev.bld_cap = 1024;
	ev.bld = palloc(sizeof(Bld) * ev.bld_cap);
	ev.lot_cap = 256;
	ev.lot = palloc(sizeof(Lot) * ev.lot_cap);
	ev.uses_cap = 16;
	ev.uses = palloc(sizeof(UseEntry) * ev.uses_cap);
	uses_rehash(&ev, 64);

	/* buildings: each query run once; the casts are the SQL functions' of 0.1.0 */
	q.sql = psprintf("SELECT id::bigint AS id, geom, use::text AS use, households::float8 AS households, "
					 "floor_area::float8 AS floor_area FROM (\n%s\n) q", buildings_sql);
	q.what = "buildings";
	q.cols = bcols;
	q.ncols = 5;
	q.callback = read_building;
	q.arg = &ev;
	read_caller_query(&q, "It must return the columns id, geom, use, households, floor_area.");
	check_buildings(&ev, standard, community_type);
	elog(DEBUG1, "parking: %d buildings read, demand and points in %.0f ms", ev.nbld, cp_ms_since(start));

	q.sql = psprintf("SELECT id::bigint AS id, geom, capacity::float8 AS capacity FROM (\n%s\n) q", parking_sql);
	q.what = "parking";
	q.cols = lcols;
	q.ncols = 3;
	if (v2)
	{
		q.lots_of = &ev;
		q.raw_sql = parking_sql;
	}
	q.callback = read_lot;
	read_caller_query(&q, "It must return the columns id, geom, capacity (NULL where unknown).");
	check_lots(&ev);
	elog(DEBUG1, "parking: %d car parks read, capacity and points at %.0f ms", ev.nlot, cp_ms_since(start));

	if (ev.no_use > 0)
		ereport(NOTICE,
				(errmsg("%lld buildings with a NULL use have no parking demand", (long long) ev.no_use)));
	if (ev.no_qty > 0)
		ereport(NOTICE,
				(errmsg("%lld buildings lack the quantity their rule needs (households or floor area) and have no parking demand",
						(long long) ev.no_qty)));
	if (ev.by_type + ev.by_default > 0)
		ereport(NOTICE,
				(errmsg("%lld car parks without capacity or area have an estimated capacity, %s spaces in all "
						"(%lld by their type, %lld by default_capacity)",
						(long long) (ev.by_type + ev.by_default), float8out_internal(ev.estimated_spaces),
						(long long) ev.by_type, (long long) ev.by_default)));
	if (ev.unknown_capacity > 0)
		ereport(NOTICE,
				(errmsg("%lld car parks without capacity or area count as 0 spaces",
						(long long) ev.unknown_capacity)));

	bsites = snap_sites(net, max_snap, ev.nbld, "buildings", bld_row, ev.bld);
	lsites = snap_sites(net, max_snap, ev.nlot, "car parks", lot_row, ev.lot);
	elog(DEBUG1, "parking: snapped at %.0f ms", cp_ms_since(start));

	InitMaterializedSRF(fcinfo, 0);
	ev.rsinfo = rsinfo;
	if (ev.per != PER_ALLOCATION)
	{
		ev.supplied = palloc_extended(sizeof(double) * Max(ev.nbld, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		ev.bld_pairs = palloc_extended(sizeof(int32) * Max(ev.nbld, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		ev.allocated = palloc_extended(sizeof(double) * Max(ev.nlot, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		ev.lot_pairs = palloc_extended(sizeof(int32) * Max(ev.nlot, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	}
	cp_parking_allocate(net, bsites, ev.nbld, lsites, ev.nlot, walk_m,
						by_time ? CP_METRIC_TIME : CP_METRIC_DISTANCE, serve_pair, &ev);
	elog(DEBUG1, "parking: allocated at %.0f ms", cp_ms_since(start));
	if (ev.per == PER_BUILDINGS)
		put_buildings(&ev);
	else if (ev.per == PER_LOTS)
		put_lots(&ev);
	else if (ev.per == PER_COMMUNITIES)
	{
		put_communities(&ev, communities_sql, ev.srid);
		elog(DEBUG1, "parking: per community at %.0f ms", cp_ms_since(start));
	}
	elog(DEBUG1, "parking: done in %.0f ms", cp_ms_since(start));
	return (Datum) 0;
}
