/*
 * network_cache.c: load compiled networks from cp.network_catalog and keep
 * them per backend until the catalog says they were rebuilt or dropped.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "community_planning.h"
#include "network.h"

#define NETWORK_CACHE_SLOTS 4

typedef struct CacheSlot
{
	char	   *name;
	int64		build_id;
	CpNetwork  *net;
	uint64		last_used;
} CacheSlot;

static CacheSlot slots[NETWORK_CACHE_SLOTS];
static uint64 use_clock = 0;

/*
 * A copy of a compiled blob whose data is 8-byte aligned: the arrays hold
 * int64 and double, and a bytea's data starts 4 bytes into its chunk. The
 * result points 4 bytes into a chunk of 'cxt', so it is never pfree'd on its
 * own: it goes with its context.
 */
/* memcpy of a compiled network (100 MB for a million edges) in slices a cancel can stop between */
void
cp_copy_interruptible(void *dst, const void *src, Size len)
{
	const Size	slice = 4 * 1024 * 1024;
	Size		done;

	for (done = 0; done < len; done += slice)
	{
		CHECK_FOR_INTERRUPTS();
		memcpy((char *) dst + done, (const char *) src + done, Min(slice, len - done));
	}
}

bytea *
cp_network_aligned_copy(const bytea *blob, MemoryContext cxt)
{
	Size		len = VARSIZE_ANY_EXHDR(blob);
	char	   *raw = MemoryContextAllocHuge(cxt, VARHDRSZ + len + 4);
	bytea	   *copy = (bytea *) (raw + 4);

	SET_VARSIZE(copy, VARHDRSZ + len);
	cp_copy_interruptible(VARDATA(copy), VARDATA_ANY(blob), len);
	Assert(((uintptr_t) VARDATA(copy)) % 8 == 0);
	return copy;
}

void
cp_network_map(CpNetwork *net, const bytea *blob)
{
	const char *base;
	const CpNetHeader *h;

	if (((uintptr_t) VARDATA_ANY(blob)) % 8 != 0)
		blob = cp_network_aligned_copy(blob, net->cxt ? net->cxt : CurrentMemoryContext);
	base = VARDATA_ANY(blob);
	h = (const CpNetHeader *) base;

	if (VARSIZE_ANY_EXHDR(blob) < sizeof(CpNetHeader) || h->magic != CP_NET_MAGIC ||
		h->format != CP_NET_FORMAT || h->total_size != VARSIZE_ANY_EXHDR(blob))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("compiled network is damaged or of another format"),
				 errhint("Rebuild it with cp.network_build().")));
	net->hdr = h;
	net->nnodes = h->nnodes;
	net->npieces = h->npieces;
	net->adj_start = (const uint32 *) (base + h->off_adj_start);
	net->adj = (const uint32 *) (base + h->off_adj);
	net->node_id = (h->flags & CP_NET_USER_NODES) ? (const int64 *) (base + h->off_node_id) : NULL;
	net->source = (const uint32 *) (base + h->off_source);
	net->target = (const uint32 *) (base + h->off_target);
	net->length = (const float *) (base + h->off_length);
	net->cost_fwd = (const float *) (base + h->off_cost_fwd);
	net->cost_bwd = (const float *) (base + h->off_cost_bwd);
	net->time_fwd = (const float *) (base + h->off_time_fwd);
	net->time_bwd = (const float *) (base + h->off_time_bwd);
	net->edge_id = (const int64 *) (base + h->off_edge_id);
	net->part = (const int32 *) (base + h->off_part);
	net->component = (const int32 *) (base + h->off_component);
	net->vert_start = (const uint32 *) (base + h->off_vert_start);
	net->vx = (const double *) (base + h->off_vx);
	net->vy = (const double *) (base + h->off_vy);
	cp_network_check(net);
}

/* build_id of the catalog row as this snapshot sees it; errors if absent. */
static int64
catalog_build_id(const char *name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(name)};
	bool		isnull;
	int64		id;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT build_id FROM cp.network_catalog WHERE name = $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read cp.network_catalog");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("network \"%s\" does not exist", name),
				 errhint("Build it with cp.network_build(); cp.networks lists the built ones.")));
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return id;
}

/* Copy the compiled blob into 'cxt' (detoasted, decompressed). */
static bytea *
catalog_blob(const char *name, MemoryContext cxt)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(name)};
	bool		isnull;
	Datum		d;
	bytea	   *copy;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT compiled FROM cp.network_catalog WHERE name = $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,	/* dropped since its build number was read */
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("network \"%s\" does not exist", name),
				 errhint("It was dropped while this call started; cp.networks lists the built ones.")));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("network \"%s\" has no compiled form", name),
				 errhint("Rebuild it with cp.network_build().")));
	/* detoasted in SPI's memory, copied once, aligned, into the network's context */
	copy = cp_network_aligned_copy((bytea *) PG_DETOAST_DATUM_PACKED(d), cxt);
	SPI_finish();
	return copy;
}

static void
release_slot(CacheSlot *s)
{
	if (s->net)
		MemoryContextDelete(s->net->cxt);
	if (s->name)
		pfree(s->name);
	memset(s, 0, sizeof(*s));
}

static CacheSlot *
choose_slot(void)
{
	int			i,
				victim = 0;

	for (i = 0; i < NETWORK_CACHE_SLOTS; i++)
	{
		if (slots[i].net == NULL)
			return &slots[i];
		if (slots[i].last_used < slots[victim].last_used)
			victim = i;
	}
	release_slot(&slots[victim]);
	return &slots[victim];
}

CpNetwork *
cp_network_get(const char *name)
{
	int64		build_id = catalog_build_id(name);
	CacheSlot  *slot = NULL;
	MemoryContext cxt;
	CpNetwork  *net;
	int			i;

	for (i = 0; i < NETWORK_CACHE_SLOTS; i++)
		if (slots[i].net != NULL && strcmp(slots[i].name, name) == 0)
		{
			if (slots[i].build_id == build_id)
			{
				slots[i].last_used = ++use_clock;
				return slots[i].net;
			}
			release_slot(&slots[i]);	/* rebuilt since we loaded it */
		}

	slot = choose_slot();
	cxt = AllocSetContextCreate(TopMemoryContext, "cp network", ALLOCSET_DEFAULT_SIZES);
	PG_TRY();
	{
		bytea	   *blob = catalog_blob(name, cxt);

		if (VARSIZE_ANY_EXHDR(blob) / (1024.0 * 1024.0) > cp_max_network_memory_mb)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("network \"%s\" needs %.0f MB, more than community_planning.max_network_memory (%d MB)",
							name, VARSIZE_ANY_EXHDR(blob) / (1024.0 * 1024.0), cp_max_network_memory_mb)));
		net = MemoryContextAllocZero(cxt, sizeof(CpNetwork));
		net->cxt = cxt;
		cp_network_map(net, blob);
		cp_snap_grid_build(net);
	}
	PG_CATCH();
	{
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	slot->name = MemoryContextStrdup(TopMemoryContext, name);
	slot->build_id = build_id;
	slot->net = net;
	slot->last_used = ++use_clock;
	return net;
}
