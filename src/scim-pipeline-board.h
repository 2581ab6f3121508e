/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-store.h"

G_BEGIN_DECLS

/**
 * ScimBoardFilter:
 * @product_id: the product whose funnel the board shows; 0 shows none
 * @owner_id: only this salesperson's sales, or 0
 * @audience_id: only sales of clients in this audience, or 0
 * @entered_since: only sales that entered at or after this moment, or 0
 */
typedef struct
{
  gint64 product_id;
  gint64 owner_id;
  gint64 audience_id;
  gint64 entered_since;
} ScimBoardFilter;

#define SCIM_TYPE_PIPELINE_BOARD (scim_pipeline_board_get_type ())
G_DECLARE_FINAL_TYPE (ScimPipelineBoard, scim_pipeline_board, SCIM, PIPELINE_BOARD, GtkWidget)

GtkWidget  *scim_pipeline_board_new          (void);
void        scim_pipeline_board_set_store    (ScimPipelineBoard     *self,
                                              ScimStore             *store);
void        scim_pipeline_board_set_filter   (ScimPipelineBoard     *self,
                                              const ScimBoardFilter *filter);
void        scim_pipeline_board_move         (ScimPipelineBoard     *self,
                                              gint64                 sale_id,
                                              gint64                 stage_id);

/* For the tests: the columns as shown. */
guint       scim_pipeline_board_get_n_columns (ScimPipelineBoard    *self);
gint64      scim_pipeline_board_get_stage     (ScimPipelineBoard    *self,
                                               guint                 column);
GListModel *scim_pipeline_board_get_cards     (ScimPipelineBoard    *self,
                                               guint                 column);
GtkWidget  *scim_pipeline_board_get_view      (ScimPipelineBoard    *self,
                                               guint                 column);
GtkDropTarget *scim_pipeline_board_get_drop_target (ScimPipelineBoard *self,
                                               guint                 column);
char       *scim_pipeline_board_dup_totals    (ScimPipelineBoard    *self,
                                               guint                 column);
gboolean    scim_pipeline_board_get_busy      (ScimPipelineBoard    *self);

G_END_DECLS
