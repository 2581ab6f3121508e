/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_TIMELINE (scim_timeline_get_type ())
G_DECLARE_FINAL_TYPE (ScimTimeline, scim_timeline, SCIM, TIMELINE, GtkWidget)

GtkWidget  *scim_timeline_new       (void);
void        scim_timeline_set_model (ScimTimeline *self,
                                     GListModel   *model);
GListModel *scim_timeline_get_model (ScimTimeline *self);
void        scim_timeline_activate  (ScimTimeline *self,
                                     guint         position);
const char *scim_timeline_kind_icon (const char   *kind);

G_END_DECLS
