/*
 * query_reader.h: the one way data sets cross into C.
 *
 * A caller's SQL text is run through SPI with a cursor and read in batches;
 * the columns a function needs are found by name and their types checked,
 * so an error can say which column is missing or wrong.
 */
#ifndef CP_QUERY_READER_H
#define CP_QUERY_READER_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/array.h"

typedef enum CpColumnKind
{
	CP_COL_INT8,				/* smallint, integer or bigint */
	CP_COL_FLOAT8,				/* any numeric type */
	CP_COL_TEXT,				/* text or varchar */
	CP_COL_GEOMETRY				/* PostGIS geometry (or EWKB bytea) */
} CpColumnKind;

typedef struct CpColumn
{
	const char *name;
	CpColumnKind kind;
	bool		required;
	/* filled in when the query is opened */
	bool		present;
} CpColumn;

/* One row's values, valid only during the row callback. */
typedef struct CpRowValue
{
	bool		isnull;
	int64		i;
	double		f;
	const char *text;
	const uint8 *wkb;
	size_t		wkb_len;
} CpRowValue;

/* Called once per row with values in the order of the column specs. */
typedef void (*CpRowCallback) (const CpRowValue *values, void *arg);

/*
 * Run 'sql' (what names it in messages: "edges", "origins"...) and call
 * 'callback' for each row. The callback runs in a per-row memory context
 * that is reset after the row: keep results in arrays grown with repalloc
 * (which stays in the array's own context) or allocate them in a context of
 * your own. Returns the row count.
 */
extern int64 cp_read_query(const char *sql, const char *what,
						   CpColumn *columns, int ncolumns,
						   CpRowCallback callback, void *arg);

/*
 * A geometry argument of a C function as EWKB: PostGIS's geometry through its
 * binary send function (PostGIS is not linked; its type is validated by
 * PostGIS on the way in, so raw bytes never reach our decoders unchecked).
 */
extern bytea *cp_geometry_arg(FunctionCallInfo fcinfo, int argno);

/*
 * The search_path of the session that called into the extension (cp's own
 * functions pin theirs): caller queries are planned under it.
 */
extern char *cp_caller_search_path(void);

/* The elements of a one-dimensional text array argument as C strings (22023, NULL element 22004). */
extern char **cp_text_array_cstrings(ArrayType *a, const char *what, int *n);

#endif
