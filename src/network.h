/*
 * network.h: the compiled walking network.
 *
 * A network is compiled once (network_build.c) into one flat, pointer-free
 * blob stored as bytea in cp.network_catalog, and mapped straight from the
 * detoasted bytes on load (network_cache.c): arrays are addressed by offsets
 * from the header. Edges of the input are split into pieces at nodes;
 * searches run over pieces (network_search.c).
 */
#ifndef CP_NETWORK_H
#define CP_NETWORK_H

#include "postgres.h"

#include "portability/instr_time.h"

#define CP_NET_MAGIC 0x544e5043u	/* "CPNT" */
#define CP_NET_FORMAT 1

#define CP_NET_USER_NODES 0x1	/* node ids came from source/target columns */
#define CP_NET_HAS_Z 0x2		/* slope-aware time weights */

typedef struct CpNetHeader
{
	uint32		magic;
	uint32		format;
	int32		srid;			/* metric CRS of the stored geometry */
	int32		source_srid;	/* CRS of the edges as given */
	uint32		flags;
	uint32		nnodes;
	uint32		npieces;
	uint32		nverts;
	uint32		ninput_edges;
	uint32		ncomponents;
	double		tolerance_m;
	double		total_length_m;
	double		largest_share;	/* share of length in the largest component */
	/* byte offsets of the arrays from the start of the header */
	uint64		off_adj_start;	/* uint32[nnodes + 1] */
	uint64		off_adj;		/* uint32[2 * npieces]: piece << 1 | (1 if node is its target) */
	uint64		off_node_id;	/* int64[nnodes]: user ids (CP_NET_USER_NODES) */
	uint64		off_source;		/* uint32[npieces] */
	uint64		off_target;		/* uint32[npieces] */
	uint64		off_length;		/* float[npieces], metres */
	uint64		off_cost_fwd;	/* float[npieces]; negative: closed */
	uint64		off_cost_bwd;	/* float[npieces]; negative: closed */
	uint64		off_time_fwd;	/* float[npieces]: cost scaled by the slope factor */
	uint64		off_time_bwd;	/* float[npieces] */
	uint64		off_edge_id;	/* int64[npieces]: id of the input edge */
	uint64		off_part;		/* int32[npieces]: 1-based piece number within its edge */
	uint64		off_component;	/* int32[npieces]: 1 = largest */
	uint64		off_vert_start; /* uint32[npieces + 1] */
	uint64		off_vx;			/* double[nverts] */
	uint64		off_vy;			/* double[nverts] */
	uint64		total_size;
} CpNetHeader;

/* Snapping index: uniform grid of segment references, built on load. */
typedef struct CpSnapGrid
{
	double		x0;
	double		y0;
	double		cell;
	int32		nx;
	int32		ny;
	uint32	   *cell_start;		/* nx * ny + 1 */
	uint32	   *seg_vertex;		/* first vertex of each referenced segment */
	uint32	   *seg_piece;		/* its piece */
} CpSnapGrid;

/* Search scratch kept between calls so a call costs what it touches. */
typedef struct CpSearchSpace
{
	int			k;				/* labels per node of the last search (the stride) */
	int			k_alloc;		/* labels per node allocated */
	uint16	   *nsettled;		/* per node */
	double	   *tentative;		/* per node, k = 1 pruning */
	struct CpReach *labels;		/* nnodes * k, settled in order */
	uint32	   *touched;
	uint32		ntouched;
} CpSearchSpace;

/*
 * The arcs of one search direction and metric, packed per node so the search
 * loop reads them in sequence (built on a backend's first search of that kind).
 * Closed directions and self-loops are left out.
 */
typedef struct CpSearchArc
{
	uint32		node;			/* the node the arc leads to */
	float		w;				/* the bounded metric */
	float		other;			/* the other metric */
} CpSearchArc;

typedef struct CpSearchAdj
{
	uint32	   *start;			/* nnodes + 1; NULL until built */
	CpSearchArc *arcs;
} CpSearchAdj;

typedef struct CpNetwork
{
	const CpNetHeader *hdr;
	uint32		nnodes;
	uint32		npieces;
	const uint32 *adj_start;
	const uint32 *adj;
	const int64 *node_id;
	const uint32 *source;
	const uint32 *target;
	const float *length;
	const float *cost_fwd;
	const float *cost_bwd;
	const float *time_fwd;
	const float *time_bwd;
	const int64 *edge_id;
	const int32 *part;
	const int32 *component;
	const uint32 *vert_start;
	const double *vx;
	const double *vy;
	CpSnapGrid	grid;
	CpSearchSpace space;
	CpSearchAdj search_adj[2][2];	/* [metric][toward_seeds] */
	MemoryContext cxt;			/* owns the blob, the grid and the scratch */
} CpNetwork;

/* A point on a piece: where an origin or target meets the network. */
typedef struct CpSnap
{
	bool		found;
	uint32		piece;
	double		fraction;		/* along the piece, 0 at its source */
	double		x;
	double		y;
	double		distance;		/* from the input point, metres */
} CpSnap;

/*
 * community_planning.c: community_planning.max_call_memory (MB) and the checks
 * every network function runs before it allocates or trusts a number.
 */
extern int	cp_max_call_memory_mb;
extern void cp_check_call_memory(const char *what, double bytes, const char *hint);
extern void cp_check_arg(const char *name, double value, double lo, double hi, const char *unit);
/* Milliseconds since start (the DEBUG1 breakdowns of the long calls). */
extern double cp_ms_since(instr_time start);

/*
 * Documented ranges of numeric arguments (docs/install.md, "Limits and
 * cancellation"); beyond them a call is refused with 22023.
 */
#define CP_MAX_DISTANCE_M	1e7		/* cutoffs, max_cost, radii: 10 000 km */
#define CP_MIN_CUTOFF		0.01	/* cutoffs and radii, metres or minutes */
#define CP_MAX_SNAP_M		1e5		/* max_snap_m */
#define CP_MIN_SPEED		0.1		/* metres per minute */
#define CP_MAX_SPEED		1e4
#define CP_MIN_BUFFER_M		1.0		/* catchment buffer_m */
#define CP_MAX_BUFFER_M		1000.0
#define CP_MIN_WALK_M		1.0		/* parking walk_m */
#define CP_MAX_WALK_M		1e5
#define CP_MAX_CUTOFFS		100		/* distinct cutoffs in one catchment call */
#define CP_MAX_GEOS_STRETCHES 100000	/* reached stretches for 'exact' and 'hull' */
#define CP_MAX_POLYGON_BYTES (16 * 1024 * 1024)	/* EWKB of one catchment polygon */

/* network_build.c */
extern bytea *cp_network_compile(const char *edges_sql, double tolerance_m);

/* network_cache.c */
extern CpNetwork *cp_network_get(const char *name);
extern void cp_network_map(CpNetwork *net, const bytea *blob);	/* realigns a copy if needed */
extern bytea *cp_network_aligned_copy(const bytea *blob, MemoryContext cxt);
extern void cp_copy_interruptible(void *dst, const void *src, Size len);

/* network_check.c: every array inside the blob, every index in range (errors otherwise) */
extern void cp_network_check(const CpNetwork *net);

/* network_snap.c */
extern void cp_snap_grid_build(CpNetwork *net);
extern CpSnap cp_snap_point(const CpNetwork *net, double x, double y, double max_dist);
/*
 * Indices of the points not skipped (skip may be NULL), in the order of the
 * snapping grid's cells: snapping them in that order stays in the CPU caches.
 */
extern uint32 *cp_snap_order(const CpNetwork *net, const double *x, const double *y,
							 const bool *skip, uint32 n, uint32 *count);
/* Many points, visited in grid order (cache-friendly); out[i] untouched where skip[i]. */
extern void cp_snap_points(const CpNetwork *net, const double *x, const double *y, const bool *skip,
						   uint32 n, double max_dist, CpSnap *out);
extern bool cp_geom_point_in_srid(const uint8 *wkb, size_t len, int32 to_srid, double *x, double *y);
extern bool cp_geom_to_network_point(const CpNetwork *net, const uint8 *wkb, size_t len,
									 double *x, double *y);
extern double cp_snap_edge_fraction(const CpNetwork *net, const CpSnap *s);

/* network_search.c */
typedef enum CpMetric
{
	CP_METRIC_DISTANCE,
	CP_METRIC_TIME
} CpMetric;

typedef struct CpSeed
{
	uint32		piece;
	double		fraction;
	int32		origin;			/* caller's index of the origin */
} CpSeed;

typedef struct CpReach
{
	int32		origin;
	double		primary;		/* the bounded metric */
	double		secondary;		/* the other one */
} CpReach;

/* Bounded search; with stop_nodes it ends once every one of them is settled k times. */
extern void cp_search(CpNetwork *net, const CpSeed *seeds, int nseeds, int k,
					  double bound, CpMetric metric, bool toward_seeds,
					  const uint32 *stop_nodes, int nstop);
extern void cp_search_trim(CpNetwork *net);
extern int	cp_search_node_labels(const CpNetwork *net, uint32 node, const CpReach **labels);
/* seeds must be sorted by piece (cp_seeds_sort) */
extern void cp_seeds_sort(CpSeed *seeds, int nseeds);
extern int	cp_search_reach_point(const CpNetwork *net, const CpSeed *seeds, int nseeds,
								  uint32 piece, double fraction, int k, double bound,
								  CpMetric metric, bool toward_seeds, CpReach *out);
extern float cp_piece_weight(const CpNetwork *net, uint32 piece, bool forward, CpMetric metric);
extern float cp_piece_other(const CpNetwork *net, uint32 piece, bool forward, CpMetric metric);

#endif
