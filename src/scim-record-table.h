/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-columns.h"
#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_RECORD_TABLE (scim_record_table_get_type ())
G_DECLARE_FINAL_TYPE (ScimRecordTable, scim_record_table, SCIM, RECORD_TABLE, GtkWidget)

/**
 * ScimQueryAdjustFunc:
 * @query: the query about to run, to narrow further
 * @user_data: the data given with the function
 *
 * Lets a page add its own filters (owner, product…) to the table's query.
 */
typedef void (*ScimQueryAdjustFunc) (ScimQuery *query,
                                     gpointer   user_data);

void        scim_record_table_set_kind        (ScimRecordTable     *self,
                                               ScimListKind         kind);
void        scim_record_table_set_texts       (ScimRecordTable     *self,
                                               const char          *search_placeholder,
                                               const char          *empty_title,
                                               const char          *empty_description);
typedef char *(*ScimCountFunc) (guint n);

void        scim_record_table_set_count_func  (ScimRecordTable     *self,
                                               ScimCountFunc        func);
void        scim_record_table_add_column      (ScimRecordTable     *self,
                                               const char          *title,
                                               const char          *property,
                                               ScimCellFormat       format,
                                               gboolean             expand);
void        scim_record_table_set_states      (ScimRecordTable     *self,
                                               const char * const  *labels,
                                               const char * const  *states,
                                               guint                selected);
void        scim_record_table_add_tool        (ScimRecordTable     *self,
                                               GtkWidget           *widget);
void        scim_record_table_set_adjust_func (ScimRecordTable     *self,
                                               ScimQueryAdjustFunc  func,
                                               gpointer             user_data);
void        scim_record_table_set_store       (ScimRecordTable     *self,
                                               ScimStore           *store);
void        scim_record_table_refilter        (ScimRecordTable     *self);
void        scim_record_table_focus_list      (ScimRecordTable     *self);
void        scim_record_table_set_multiple    (ScimRecordTable     *self,
                                               gboolean             multiple);
GArray     *scim_record_table_get_selected_ids (ScimRecordTable    *self);
void        scim_record_table_select_all      (ScimRecordTable     *self);
void        scim_record_table_activate        (ScimRecordTable     *self,
                                               guint                position);
void        scim_record_table_set_state       (ScimRecordTable     *self,
                                               guint                index);
GListModel *scim_record_table_get_model       (ScimRecordTable     *self);
GtkWidget  *scim_record_table_get_search_entry (ScimRecordTable    *self);

G_END_DECLS
