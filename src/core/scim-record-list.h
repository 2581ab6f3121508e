/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scim-query.h"
#include "scim-record.h"
#include "scim-store.h"

G_BEGIN_DECLS

#define SCIM_TYPE_RECORD_LIST (scim_record_list_get_type ())
G_DECLARE_FINAL_TYPE (ScimRecordList, scim_record_list, SCIM, RECORD_LIST, GObject)

ScimRecordList  *scim_record_list_new         (ScimStore       *store,
                                               const ScimQuery *query);
const ScimQuery *scim_record_list_get_query   (ScimRecordList  *self);
void             scim_record_list_set_query   (ScimRecordList  *self,
                                               const ScimQuery *query);
gboolean         scim_record_list_get_loading (ScimRecordList  *self);
void             scim_record_list_reload      (ScimRecordList  *self);
gint64           scim_record_list_get_id      (ScimRecordList  *self,
                                               guint            position);
void             scim_record_list_load_all    (ScimRecordList  *self);
gboolean         scim_record_list_get_complete (ScimRecordList *self);
gint64           scim_record_list_get_total   (ScimRecordList  *self);
guint            scim_record_list_count       (ScimRecordList  *self);

G_END_DECLS
