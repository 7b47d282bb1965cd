/*
 * geos_util.c: GEOS handle, error capture and EWKB conversion.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <stdarg.h>
#include <stdio.h>

#include "miscadmin.h"

#include "ewkb.h"
#include "geos_util.h"

static void cp_geos_interrupts_install(void);

static GEOSContextHandle_t geos_handle = NULL;
static char geos_error[1024];

/* Runs inside GEOS: copy only, never ereport here. */
static void
capture_geos_message(const char *message, void *userdata)
{
	strlcpy(geos_error, message, sizeof(geos_error));
}

static void
ignore_geos_notice(const char *message, void *userdata)
{
}

GEOSContextHandle_t
cp_geos(void)
{
	if (geos_handle == NULL)
	{
		geos_handle = GEOS_init_r();
		if (geos_handle == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not initialise GEOS")));
		GEOSContext_setErrorMessageHandler_r(geos_handle, capture_geos_message, NULL);
		GEOSContext_setNoticeMessageHandler_r(geos_handle, ignore_geos_notice, NULL);
		cp_geos_interrupts_install();
	}
	geos_error[0] = '\0';
	return geos_handle;
}

const char *
cp_geos_last_error(void)
{
	return geos_error;
}

void
cp_geos_raise(const char *what)
{
	/* GEOS gave up because of a cancel: report that, not a GEOS error */
	CHECK_FOR_INTERRUPTS();
	ereport(ERROR,
			(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
			 errmsg("GEOS failed while %s", what),
			 errdetail("%s", geos_error[0] ? geos_error : "GEOS gave no message.")));
}

/*
 * A copy of g without empty members at any depth (an empty collection when
 * nothing is left). NULL when GEOS fails; g itself is left to the caller.
 */
static GEOSGeometry *
drop_empty_members(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	int			type = GEOSGeomTypeId_r(h, g);
	int			n,
				i,
				kept = 0;
	GEOSGeometry **parts;
	GEOSGeometry *result;

	if (type != GEOS_MULTIPOINT && type != GEOS_MULTILINESTRING &&
		type != GEOS_MULTIPOLYGON && type != GEOS_GEOMETRYCOLLECTION)
		return GEOSGeom_clone_r(h, g);
	n = GEOSGetNumGeometries_r(h, g);
	if (n < 0)
		return NULL;
	parts = palloc(sizeof(GEOSGeometry *) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		const GEOSGeometry *member = GEOSGetGeometryN_r(h, g, i);
		GEOSGeometry *copy;

		if (member == NULL || GEOSisEmpty_r(h, member))
			continue;
		copy = drop_empty_members(h, member);
		if (copy == NULL)
		{
			while (kept > 0)
				GEOSGeom_destroy_r(h, parts[--kept]);
			pfree(parts);
			return NULL;
		}
		parts[kept++] = copy;
	}
	result = kept > 0 ? GEOSGeom_createCollection_r(h, type, parts, kept) :
		GEOSGeom_createEmptyCollection_r(h, type);
	if (result == NULL)
		while (kept > 0)
			GEOSGeom_destroy_r(h, parts[--kept]);
	pfree(parts);
	if (result != NULL)
		GEOSSetSRID_r(h, result, GEOSGetSRID_r(h, g));
	return result;
}

GEOSGeometry *
cp_geos_from_ewkb(const uint8 *buf, size_t len)
{
	GEOSContextHandle_t h;
	GEOSWKBReader *reader;
	GEOSGeometry *g;
	bool		empty_member = cp_ewkb_check(buf, len);

	h = cp_geos();
	reader = GEOSWKBReader_create_r(h);
	g = GEOSWKBReader_read_r(h, reader, buf, len);
	GEOSWKBReader_destroy_r(h, reader);
	if (g == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("malformed geometry"),
				 errdetail("%s", geos_error)));
	if (empty_member)
	{
		/* GEOS 3.11 crashes on empty members in some operations: never give it any */
		GEOSGeometry *clean = drop_empty_members(h, g);

		GEOSGeom_destroy_r(h, g);
		if (clean == NULL)
			cp_geos_raise("dropping empty members of a collection");
		g = clean;
	}
	return g;
}

bytea *
cp_geos_to_ewkb(const GEOSGeometry *g, int32 srid)
{
	GEOSContextHandle_t h = cp_geos();
	GEOSWKBWriter *writer = GEOSWKBWriter_create_r(h);
	GEOSGeometry *copy = NULL;
	unsigned char *wkb;
	size_t		len;
	bytea	   *result;

	GEOSWKBWriter_setByteOrder_r(h, writer, GEOS_WKB_NDR);
	if (srid > 0)
	{
		copy = GEOSGeom_clone_r(h, g);
		GEOSSetSRID_r(h, copy, srid);
		GEOSWKBWriter_setIncludeSRID_r(h, writer, 1);
	}
	wkb = GEOSWKBWriter_write_r(h, writer, copy ? copy : g, &len);
	if (copy)
		GEOSGeom_destroy_r(h, copy);
	GEOSWKBWriter_destroy_r(h, writer);
	if (wkb == NULL)
		cp_geos_raise("writing WKB");	/* does not return */
	else
		result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), wkb, len);
	GEOSFree_r(h, wkb);
	return result;
}

/*
 * Interrupts (issue #13). GEOS calls the registered callback from inside long
 * operations (overlay, buffer, union, validity); when the backend has a cancel,
 * statement_timeout or terminate pending, the callback asks GEOS to stop. GEOS
 * unwinds, the _r call returns NULL (or 0 / 2), the caller frees what it owns
 * and cp_geos_raise() turns it into the backend's own 57014 / 57P01 through
 * CHECK_FOR_INTERRUPTS(). The callback never ereports (it runs inside GEOS) and
 * chains to a callback registered before ours. The flags are process-global, as
 * is GEOS's callback, so PostGIS's GEOS calls in this backend stop the same way.
 */
static GEOSInterruptCallback *previous_interrupt_callback = NULL;
static bool interrupt_callback_installed = false;

static void
geos_interrupt_callback(void)
{
	if (InterruptPending && (QueryCancelPending || ProcDiePending))
		GEOS_interruptRequest();
	if (previous_interrupt_callback != NULL)
		previous_interrupt_callback();
}

static void
cp_geos_interrupts_install(void)
{
	if (interrupt_callback_installed)
		return;
	previous_interrupt_callback = GEOS_interruptRegisterCallback(geos_interrupt_callback);
	if (previous_interrupt_callback == geos_interrupt_callback)
		previous_interrupt_callback = NULL;
	interrupt_callback_installed = true;
}

/* True when a cancel or terminate is pending: free GEOS objects, then CHECK_FOR_INTERRUPTS(). */
bool
cp_interrupt_pending(void)
{
	return InterruptPending && (QueryCancelPending || ProcDiePending);
}

/* After freeing GEOS objects on a pending interrupt: raise it (57014 when held off). */
void
cp_interrupt_raise(void)
{
	CHECK_FOR_INTERRUPTS();
	ereport(ERROR,
			(errcode(ERRCODE_QUERY_CANCELED),
			 errmsg("canceling statement due to user request")));
}
