/*
 * geos_util.c: GEOS handle, error capture and EWKB conversion.
 */
#include "postgres.h"

#include <stdarg.h>
#include <stdio.h>

#include "geos_util.h"

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
	ereport(ERROR,
			(errcode(ERRCODE_INTERNAL_ERROR),
			 errmsg("GEOS failed while %s", what),
			 errdetail("%s", geos_error[0] ? geos_error : "GEOS gave no message.")));
}

GEOSGeometry *
cp_geos_from_ewkb(const uint8 *buf, size_t len)
{
	GEOSContextHandle_t h = cp_geos();
	GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
	GEOSGeometry *g;

	g = GEOSWKBReader_read_r(h, reader, buf, len);
	GEOSWKBReader_destroy_r(h, reader);
	if (g == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("malformed geometry"),
				 errdetail("%s", geos_error)));
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
