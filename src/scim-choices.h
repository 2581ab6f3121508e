/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "scim-core.h"

G_BEGIN_DECLS

GtkDropDown *scim_choices_new    (GType         type,
                                  const char   *property,
                                  const char   *accessible);
void         scim_choices_fill   (GtkDropDown  *dropdown,
                                  GListModel   *records,
                                  const char   *all_label,
                                  gboolean      active_only);
gint64       scim_choices_get_id (GtkDropDown  *dropdown);
gboolean     scim_choices_select_id (GtkDropDown *dropdown,
                                  gint64        id);
GtkDropDown *scim_choices_new_strings (const char * const *labels,
                                  const char   *accessible);
gint64       scim_choices_period_since (guint   period);

G_END_DECLS
