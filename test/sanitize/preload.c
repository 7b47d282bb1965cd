/*
 * Preloaded into the sanitizer cluster's postmaster (test/sanitize.sh), after libasan.so and before
 * libubsan.so. Two work-arounds for running the sanitizer runtimes in an uninstrumented PostgreSQL:
 *
 * 1. swift_demangle. PostgreSQL is not built with ASan, so the runtime initialises lazily, on the
 *    first malloc; in postgres (and psql) that first malloc happens inside bindtextdomain() in
 *    libgpg-error's constructor, with glibc's gettext lock (_nl_state_lock) write-held. ASan's
 *    initialisation looks up the optional symbol swift_demangle with dlsym() and clears the failure
 *    with dlerror(), whose message translation (dcgettext) takes and releases the same lock: the
 *    lock is left broken and postgres hangs in its own bindtextdomain() before main (known:
 *    google/sanitizers#1096, #1270, llvm-project#49223). With the symbol present the lookup
 *    succeeds and dlerror() has nothing to translate. Returning NULL means "not a Swift name":
 *    ASan demangles as usual.
 *
 * 2. __ubsan_default_options. UBSan reads UBSAN_OPTIONS lazily (at its first report), and by then
 *    the postmaster has overwritten its original environment block with the process title
 *    (ps_status.c), so the options would be lost (no stack trace, no abort). The constructor keeps a
 *    copy taken before main; UBSan asks for it through this hook.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

char	   *swift_demangle(const char *mangled, size_t mangled_len, char *out, size_t *out_len, uint32_t flags);
const char *__ubsan_default_options(void);

char *
swift_demangle(const char *mangled, size_t mangled_len, char *out, size_t *out_len, uint32_t flags)
{
	return NULL;
}

static char ubsan_options[4096];

__attribute__((constructor)) static void
keep_ubsan_options(void)
{
	const char *s = getenv("UBSAN_OPTIONS");

	if (s)
		strncpy(ubsan_options, s, sizeof(ubsan_options) - 1);
}

const char *
__ubsan_default_options(void)
{
	return ubsan_options;
}
