/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SCIM_TYPE_RECORD (scim_record_get_type ())
G_DECLARE_DERIVABLE_TYPE (ScimRecord, scim_record, SCIM, RECORD, GObject)

/**
 * ScimRecordClass:
 * @parent_class: the parent class
 *
 * A row of the store as a GObject.  Subclasses declare their columns as
 * properties with scim_record_class_add_field(); the store fills them by
 * name from query rows, so a list view can bind to them with expressions.
 */
struct _ScimRecordClass
{
  GObjectClass parent_class;

  /*< private >*/
  GPtrArray *fields;
  gpointer   padding[4];
};

void        scim_record_class_add_field (ScimRecordClass *klass,
                                         GParamSpec      *pspec);

gint64      scim_record_get_id          (ScimRecord      *self);
gint64      scim_record_get_version     (ScimRecord      *self);
gboolean    scim_record_get_loaded      (ScimRecord      *self);
void        scim_record_update          (ScimRecord      *self,
                                         GVariant        *row);
const char *scim_record_get_string      (ScimRecord      *self,
                                         const char      *field);
gint64      scim_record_get_int         (ScimRecord      *self,
                                         const char      *field);
gboolean    scim_record_get_bool        (ScimRecord      *self,
                                         const char      *field);

ScimRecord *scim_record_new             (GType            type,
                                         gint64           id);

G_END_DECLS
