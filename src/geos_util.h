/*
 * geos_util.h: one GEOS handle per backend whose errors are copied, not thrown.
 *
 * GEOS reports errors through a callback; longjmp out of it would skip GEOS's
 * own clean-up, so the callback only copies the message. Callers check the
 * result, free what they own, then call cp_geos_raise().
 */
#ifndef CP_GEOS_UTIL_H
#define CP_GEOS_UTIL_H

#include "postgres.h"

#include <geos_c.h>

extern GEOSContextHandle_t cp_geos(void);
extern const char *cp_geos_last_error(void);
extern void cp_geos_raise(const char *what) pg_attribute_noreturn();

/* EWKB <-> GEOS (the SRID travels along). */
extern GEOSGeometry *cp_geos_from_ewkb(const uint8 *buf, size_t len);
extern bytea *cp_geos_to_ewkb(const GEOSGeometry *g, int32 srid);

/*
 * Interrupts: cp_geos() registers a GEOS interrupt callback that stops GEOS
 * when a cancel, statement_timeout or terminate is pending (cp_geos_raise()
 * then reports the cancel, 57014). Loops that hold GEOS objects test
 * cp_interrupt_pending(), free them, then CHECK_FOR_INTERRUPTS().
 */
extern bool cp_interrupt_pending(void);
extern void cp_interrupt_raise(void) pg_attribute_noreturn();

#endif
