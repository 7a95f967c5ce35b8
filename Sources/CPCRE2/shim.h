#ifndef HUSH_CPCRE2_SHIM_H
#define HUSH_CPCRE2_SHIM_H
// PCRE2 needs the code-unit width before its header; Hush matches bytes, so 8.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// Swift imports no cast or function-like macros; these give them names.
static inline size_t cpcre2_unset(void) { return PCRE2_UNSET; }
static inline size_t cpcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }
#endif
