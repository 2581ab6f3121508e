/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-store.h"

G_BEGIN_DECLS

/* What a move to a stage needs, once given: the lost reason or the day a
 * pause ends (0 for other stages). */
typedef void (*ScimSaleMoveFunc) (GObject    *owner,
                                   gint64      stage_id,
                                   const char *reason,
                                   gint64      until);

gboolean    scim_sale_move_needs_question (const char         *kind);
void        scim_sale_move_ask      (GtkWindow          *parent,
                                      gint64              stage_id,
                                      const char         *stage_name,
                                      const char         *kind,
                                      ScimSaleMoveFunc   func,
                                      GObject            *owner);
void        scim_sale_move_async    (ScimStore          *store,
                                      gint64              sale_id,
                                      gint64              from_stage_id,
                                      gint64              stage_id,
                                      const char         *reason,
                                      gint64              until,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
gboolean    scim_sale_move_finish   (ScimStore          *store,
                                      GAsyncResult       *result,
                                      GError            **error);

G_END_DECLS
