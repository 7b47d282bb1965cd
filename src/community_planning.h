/*
 * community_planning.h: settings and constants shared by every source file.
 */
#ifndef CP_COMMUNITY_PLANNING_H
#define CP_COMMUNITY_PLANNING_H

#ifndef CP_EXTENSION_VERSION
#error "CP_EXTENSION_VERSION comes from the control file through the Makefile"
#endif

/* community_planning.max_network_memory, in megabytes */
extern int	cp_max_network_memory_mb;

#endif
