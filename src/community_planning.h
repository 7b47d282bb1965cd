/*
 * community_planning.h: settings and constants shared by every source file.
 */
#ifndef CP_COMMUNITY_PLANNING_H
#define CP_COMMUNITY_PLANNING_H

#ifndef CP_EXTENSION_VERSION
#error "CP_EXTENSION_VERSION comes from the control file through the Makefile"
#endif

/*
 * The gettext domain of every message of the module (po/LANG.po, installed as
 * LANG/LC_MESSAGES/community_planning.mo; docs/development.md "Translations"):
 * ereport() translates errmsg/errdetail/errhint through it in the session's
 * lc_messages. elog.h defines TEXTDOMAIN as NULL (the server's own catalogue),
 * so every source file includes this header right after postgres.h.
 */
#ifndef CP_TEXTDOMAIN
#error "CP_TEXTDOMAIN comes from the Makefile"
#endif
#undef TEXTDOMAIN
#define TEXTDOMAIN CP_TEXTDOMAIN

/* community_planning.max_network_memory, in megabytes */
extern int	cp_max_network_memory_mb;

/* true the first time key is seen in the current client statement (a NOTICE given once) */
extern bool cp_first_in_statement(const char *key);

#endif
