/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SCIM_TYPE_WRAP_LAYOUT (scim_wrap_layout_get_type ())
G_DECLARE_FINAL_TYPE (ScimWrapLayout, scim_wrap_layout, SCIM, WRAP_LAYOUT, GtkLayoutManager)

GtkLayoutManager *scim_wrap_layout_new (int spacing,
                                        int line_spacing);

G_END_DECLS
