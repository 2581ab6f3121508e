/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"
#include "scim-field-set.h"

G_BEGIN_DECLS

#define SCIM_TYPE_EDIT_DIALOG (scim_edit_dialog_get_type ())
G_DECLARE_DERIVABLE_TYPE (ScimEditDialog, scim_edit_dialog, SCIM, EDIT_DIALOG, AdwWindow)

/**
 * ScimEditDialogClass:
 * @parent_class: the parent class
 * @save: starts the write, usually with scim_edit_dialog_run_save()
 *
 * A dialog that edits one record of the Settings: Cancel and Save in the
 * header, groups of rows, and the store's refusal shown above the fields.
 */
struct _ScimEditDialogClass
{
  AdwWindowClass parent_class;

  void (*save) (ScimEditDialog *self);

  /*< private >*/
  gpointer padding[4];
};

void       scim_edit_dialog_add_group    (ScimEditDialog *self,
                                          AdwPreferencesGroup *group);
void       scim_edit_dialog_set_store    (ScimEditDialog *self,
                                          ScimStore      *store);
ScimStore *scim_edit_dialog_get_store    (ScimEditDialog *self);
void       scim_edit_dialog_set_editable (ScimEditDialog *self,
                                          gboolean        editable);
gboolean   scim_edit_dialog_get_editable (ScimEditDialog *self);
void       scim_edit_dialog_set_save_label (ScimEditDialog *self,
                                            const char     *label);
void       scim_edit_dialog_set_error    (ScimEditDialog *self,
                                          const char     *message);
void       scim_edit_dialog_toast        (ScimEditDialog *self,
                                          const char     *message);
void       scim_edit_dialog_save         (ScimEditDialog *self);
void       scim_edit_dialog_run_save     (ScimEditDialog *self,
                                          ScimStoreFunc   func,
                                          gpointer        data,
                                          GDestroyNotify  data_destroy);
gboolean   scim_edit_dialog_get_busy     (ScimEditDialog *self);
gboolean   scim_edit_dialog_get_waiting  (ScimEditDialog *self);

/* The record edited, and its fields for conflict handling. */
void       scim_edit_dialog_set_record   (ScimEditDialog *self,
                                          ScimRecord     *record);
gint64     scim_edit_dialog_get_version  (ScimEditDialog *self);
void       scim_edit_dialog_track        (ScimEditDialog *self,
                                          GtkWidget      *widget,
                                          const char     *property);
void       scim_edit_dialog_track_choice (ScimEditDialog     *self,
                                          AdwComboRow        *row,
                                          const char         *property,
                                          const char * const *values);
void       scim_edit_dialog_track_format (ScimEditDialog     *self,
                                          AdwEntryRow        *row,
                                          const char         *property,
                                          ScimEditFormatFunc  format);

/* Row helpers shared by the Settings dialogs. */
AdwEntryRow *scim_edit_dialog_add_entry  (AdwPreferencesGroup *group,
                                          const char          *title,
                                          const char          *text);
GtkSwitch   *scim_edit_dialog_add_switch (AdwPreferencesGroup *group,
                                          const char          *title,
                                          const char          *subtitle,
                                          gboolean             active);
AdwComboRow *scim_edit_dialog_add_choice (AdwPreferencesGroup *group,
                                          const char          *title,
                                          const char * const  *labels,
                                          guint                selected);
AdwComboRow *scim_edit_dialog_add_records (AdwPreferencesGroup *group,
                                          const char          *title,
                                          GListModel          *records,
                                          const char          *property,
                                          gint64               selected_id,
                                          gboolean             allow_none);
AdwComboRow *scim_edit_dialog_add_records_full (AdwPreferencesGroup *group,
                                               const char          *title,
                                               GListModel          *records,
                                               const char          *property,
                                               gint64               selected_id,
                                               const char          *none_label);
gint64       scim_edit_dialog_get_record_id (AdwComboRow      *row);
GtkTextView *scim_edit_dialog_add_text   (AdwPreferencesGroup *group,
                                          const char          *title,
                                          const char          *text);
char        *scim_edit_dialog_get_text   (GtkTextView         *view);

G_END_DECLS
