/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "scim-store.h"

/* The store's error domain, in a file of its own: the painter reports in
 * it too, and the command line's extras module (src/cli/meson.build)
 * carries the painter without the store.  A quark is found by its name,
 * so both copies give the same domain. */
G_DEFINE_QUARK (scim-store-error-quark, scim_store_error)
