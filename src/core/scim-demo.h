/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-store.h"

G_BEGIN_DECLS

typedef enum
{
  SCIM_DEMO_SMALL,
  SCIM_DEMO_MEDIUM,
  SCIM_DEMO_LARGE,
} ScimDemoScale;

typedef struct
{
  guint users;
  guint products;
  guint audiences;
  guint clients;
  guint leads;
  guint sales;
  guint tasks;
  guint events;
} ScimDemoCounts;

gboolean scim_demo_scale_from_string (const char        *text,
                                      ScimDemoScale     *scale);
void     scim_demo_get_counts        (ScimDemoScale      scale,
                                      ScimDemoCounts    *counts);
gboolean scim_store_fill_demo        (ScimStore         *store,
                                      ScimDemoScale      scale,
                                      guint32            seed,
                                      GCancellable      *cancellable,
                                      ScimProgressFunc   progress,
                                      gpointer           progress_data,
                                      GError           **error);

G_END_DECLS
