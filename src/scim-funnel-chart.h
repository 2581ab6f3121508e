/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_FUNNEL_CHART (scim_funnel_chart_get_type ())
G_DECLARE_FINAL_TYPE (ScimFunnelChart, scim_funnel_chart, SCIM, FUNNEL_CHART, GtkWidget)

GtkWidget      *scim_funnel_chart_new         (void);
void            scim_funnel_chart_set_funnels (ScimFunnelChart *self,
                                               GPtrArray       *funnels);
GPtrArray      *scim_funnel_chart_get_funnels (ScimFunnelChart *self);
void            scim_funnel_chart_set_mode    (ScimFunnelChart *self,
                                               ScimFunnelMode   mode);
ScimFunnelMode  scim_funnel_chart_get_mode    (ScimFunnelChart *self);
GArray         *scim_funnel_chart_get_bands   (ScimFunnelChart *self);
void            scim_funnel_chart_set_compare (ScimFunnelChart *self,
                                               ScimFunnel      *then,
                                               const char      *now_title,
                                               const char      *then_title);
ScimFunnel     *scim_funnel_chart_get_compare (ScimFunnelChart *self);
char           *scim_funnel_chart_dup_caption (ScimFunnelChart *self);
gboolean        scim_funnel_chart_export      (ScimFunnelChart *self,
                                               ScimFunnelFormat format,
                                               const char      *path,
                                               int              width,
                                               int              height,
                                               GError         **error);
char           *scim_funnel_chart_dup_tooltip_at (ScimFunnelChart *self,
                                               double           x,
                                               double           y);
void            scim_funnel_chart_open        (ScimFunnelChart *self,
                                               double           x,
                                               double           y);
void            scim_funnel_chart_click       (ScimFunnelChart *self,
                                               double           x,
                                               double           y);
void            scim_funnel_chart_paint_to    (ScimFunnelChart *self,
                                               cairo_t         *cr,
                                               double           width,
                                               double           height);

G_END_DECLS
