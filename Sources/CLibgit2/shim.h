#ifndef HUSH_CLIBGIT2_SHIM_H
#define HUSH_CLIBGIT2_SHIM_H
#include <git2.h>
#endif
