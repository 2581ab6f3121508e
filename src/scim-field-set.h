/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_FIELD_SET (scim_field_set_get_type ())
G_DECLARE_FINAL_TYPE (ScimFieldSet, scim_field_set, SCIM, FIELD_SET, GObject)

typedef char *(*ScimEditFormatFunc) (ScimRecord *record);

/**
 * ScimFieldSetOutcome:
 * @SCIM_FIELD_SET_SAVE_AGAIN: the fields hold the chosen values and the
 *   version is theirs: save again
 * @SCIM_FIELD_SET_TOOK_THEIRS: the fields hold their version, which is in
 *   the file already: nothing to save
 * @SCIM_FIELD_SET_BACK: the person went back to editing; nothing changed
 *
 * What became of a conflict.
 */
typedef enum
{
  SCIM_FIELD_SET_SAVE_AGAIN,
  SCIM_FIELD_SET_TOOK_THEIRS,
  SCIM_FIELD_SET_BACK,
} ScimFieldSetOutcome;

ScimFieldSet *scim_field_set_new          (void);
void          scim_field_set_set_record   (ScimFieldSet       *self,
                                           ScimRecord         *record);
gint64        scim_field_set_get_version  (ScimFieldSet       *self);
gboolean      scim_field_set_can_resolve  (ScimFieldSet       *self);
void          scim_field_set_track        (ScimFieldSet       *self,
                                           GtkWidget          *widget,
                                           const char         *property,
                                           const char * const *values,
                                           ScimEditFormatFunc  format);
void          scim_field_set_take_base    (ScimFieldSet       *self);
gboolean      scim_field_set_is_dirty     (ScimFieldSet       *self);
void          scim_field_set_load         (ScimFieldSet       *self,
                                           ScimRecord         *record);
void          scim_field_set_resolve_async (ScimFieldSet      *self,
                                           GtkWindow          *parent,
                                           ScimStore          *store,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
ScimFieldSetOutcome scim_field_set_resolve_finish (ScimFieldSet *self,
                                           GAsyncResult       *result,
                                           GError            **error);

G_END_DECLS
