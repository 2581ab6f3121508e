/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_EVENT_DIALOG (scim_event_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimEventDialog, scim_event_dialog, SCIM, EVENT_DIALOG, ScimEditDialog)

ScimEventDialog *scim_event_dialog_new  (GtkWindow  *parent,
                                         ScimStore  *store,
                                         gint64      sale_id,
                                         ScimRecord *event,
                                         gboolean    editable);
void             scim_event_dialog_fill (ScimEventDialog *self,
                                         const char      *kind,
                                         const char      *title,
                                         const char      *text,
                                         const char      *when);
gboolean         scim_event_dialog_choose_sale (ScimEventDialog *self,
                                         gint64           sale_id);

void             scim_event_dialog_open_sale (ScimEventDialog *self);

G_END_DECLS
