/*
 * parking.c: the greedy allocation of parking spaces to buildings.
 *
 * The caller (cp._parking_run) passes the (building, car park) pairs within
 * walking reach already sorted by walking distance; each pair takes as many
 * spaces as both its building still needs and its car park still has.
 * No space is counted twice, and no building gets more than its demand.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"

PG_FUNCTION_INFO_V1(cp_parking_greedy_sql);

/* A one-dimensional float8[] without NULLs as a C array; n set to its length. */
static double *
float8_array(ArrayType *a, const char *what, int *n)
{
	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional float8 array without NULLs", what)));
	*n = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
	return (double *) ARR_DATA_PTR(a);
}

/* A one-dimensional int4[] without NULLs as a C array; n set to its length. */
static int32 *
int4_array(ArrayType *a, const char *what, int *n)
{
	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != INT4OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional integer array without NULLs", what)));
	*n = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
	return (int32 *) ARR_DATA_PTR(a);
}

/*
 * cp._parking_greedy(demand float8[], capacity float8[], pair_building int4[],
 *                    pair_parking int4[]) RETURNS float8[]
 * Pairs are 1-based indexes into demand and capacity, in allocation order.
 * Returns the spaces each pair takes.
 */
Datum
cp_parking_greedy_sql(PG_FUNCTION_ARGS)
{
	ArrayType  *ad = PG_GETARG_ARRAYTYPE_P_COPY(0);
	ArrayType  *ac = PG_GETARG_ARRAYTYPE_P_COPY(1);
	ArrayType  *ab = PG_GETARG_ARRAYTYPE_P(2);
	ArrayType  *ap = PG_GETARG_ARRAYTYPE_P(3);
	int			nd,
				nc,
				nb,
				np;
	double	   *need = float8_array(ad, "demand", &nd);
	double	   *left = float8_array(ac, "capacity", &nc);
	int32	   *pb = int4_array(ab, "pair_building", &nb);
	int32	   *pp = int4_array(ap, "pair_parking", &np);
	Datum	   *out;
	int			i;

	if (nb != np)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pair arrays differ in length: %d and %d", nb, np)));
	for (i = 0; i < nd; i++)
		if (!(need[i] >= 0 && need[i] < INFINITY))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("demand must be finite and not negative")));
	for (i = 0; i < nc; i++)
		if (!(left[i] >= 0 && left[i] < INFINITY))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("capacity must be finite and not negative")));

	out = (Datum *) palloc(sizeof(Datum) * (nb > 0 ? nb : 1));
	for (i = 0; i < nb; i++)
	{
		int32		b = pb[i] - 1,
					p = pp[i] - 1;
		double		take;

		if (b < 0 || b >= nd || p < 0 || p >= nc)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("pair %d refers to building %d or car park %d out of range", i + 1, b + 1, p + 1)));
		take = Min(need[b], left[p]);
		if (take > 0)
		{
			need[b] -= take;
			left[p] -= take;
		}
		else
			take = 0;
		out[i] = Float8GetDatum(take);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(out, nb, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
