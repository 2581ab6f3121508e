/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-record"

#include "config.h"

#include "scim-record.h"

typedef struct
{
  gint64   id;
  gint64   version;
  gboolean loaded;
  GValue  *values;
  guint    n_values;
} ScimRecordPrivate;

enum {
  PROP_0,
  PROP_ID,
  PROP_VERSION,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE_WITH_PRIVATE (ScimRecord, scim_record, G_TYPE_OBJECT)

static GValue *
ensure_values (ScimRecord *self)
{
  ScimRecordPrivate *priv = scim_record_get_instance_private (self);
  ScimRecordClass *klass = SCIM_RECORD_GET_CLASS (self);

  if (priv->values == NULL && klass->fields != NULL && klass->fields->len > 0)
    {
      priv->n_values = klass->fields->len;
      priv->values = g_new0 (GValue, priv->n_values);
      for (guint i = 0; i < priv->n_values; i++)
        {
          GParamSpec *pspec = g_ptr_array_index (klass->fields, i);

          g_value_init (&priv->values[i], pspec->value_type);
          g_param_value_set_default (pspec, &priv->values[i]);
        }
    }
  return priv->values;
}

static void
field_get_property (GObject    *object,
                    guint       prop_id,
                    GValue     *value,
                    GParamSpec *pspec)
{
  GValue *values = ensure_values (SCIM_RECORD (object));

  g_value_copy (&values[prop_id - 1], value);
}

static void
field_set_property (GObject      *object,
                    guint         prop_id,
                    const GValue *value,
                    GParamSpec   *pspec)
{
  GValue *values = ensure_values (SCIM_RECORD (object));

  if (g_param_values_cmp (pspec, &values[prop_id - 1], value) == 0)
    return;
  g_value_copy (value, &values[prop_id - 1]);
  g_object_notify_by_pspec (object, pspec);
}

/**
 * scim_record_class_add_field:
 * @klass: a subclass of #ScimRecord in its class_init
 * @pspec: (transfer full): the column, named as the store's query names it
 *
 * Declares a column.  Only one level of subclassing is supported.
 */
void
scim_record_class_add_field (ScimRecordClass *klass,
                             GParamSpec      *pspec)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  if (klass->fields == NULL)
    klass->fields = g_ptr_array_new ();
  object_class->get_property = field_get_property;
  object_class->set_property = field_set_property;
  g_ptr_array_add (klass->fields, pspec);
  g_object_class_install_property (object_class, klass->fields->len, pspec);
}

static void
scim_record_finalize (GObject *object)
{
  ScimRecordPrivate *priv = scim_record_get_instance_private (SCIM_RECORD (object));

  for (guint i = 0; i < priv->n_values; i++)
    g_value_unset (&priv->values[i]);
  g_free (priv->values);

  G_OBJECT_CLASS (scim_record_parent_class)->finalize (object);
}

static void
scim_record_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ScimRecordPrivate *priv = scim_record_get_instance_private (SCIM_RECORD (object));

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, priv->id);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, priv->version);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, priv->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scim_record_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ScimRecordPrivate *priv = scim_record_get_instance_private (SCIM_RECORD (object));

  switch (prop_id)
    {
    case PROP_ID:
      priv->id = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scim_record_class_init (ScimRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scim_record_finalize;
  object_class->get_property = scim_record_get_property;
  object_class->set_property = scim_record_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scim_record_init (ScimRecord *self)
{
}

ScimRecord *
scim_record_new (GType  type,
                 gint64 id)
{
  g_return_val_if_fail (g_type_is_a (type, SCIM_TYPE_RECORD), NULL);
  return g_object_new (type, "id", id, NULL);
}

gint64
scim_record_get_id (ScimRecord *self)
{
  ScimRecordPrivate *priv = scim_record_get_instance_private (self);

  g_return_val_if_fail (SCIM_IS_RECORD (self), 0);
  return priv->id;
}

gint64
scim_record_get_version (ScimRecord *self)
{
  ScimRecordPrivate *priv = scim_record_get_instance_private (self);

  g_return_val_if_fail (SCIM_IS_RECORD (self), 0);
  return priv->version;
}

gboolean
scim_record_get_loaded (ScimRecord *self)
{
  ScimRecordPrivate *priv = scim_record_get_instance_private (self);

  g_return_val_if_fail (SCIM_IS_RECORD (self), FALSE);
  return priv->loaded;
}

static gboolean
variant_to_value (GVariant   *variant,
                  GParamSpec *pspec,
                  GValue     *value)
{
  GType type = pspec->value_type;

  g_value_init (value, type);
  if (g_variant_is_of_type (variant, G_VARIANT_TYPE_UNIT))
    {
      g_param_value_set_default (pspec, value);
      return TRUE;
    }
  if (type == G_TYPE_STRING && g_variant_is_of_type (variant, G_VARIANT_TYPE_STRING))
    g_value_set_string (value, g_variant_get_string (variant, NULL));
  else if (type == G_TYPE_STRING && g_variant_is_of_type (variant, G_VARIANT_TYPE_INT64))
    g_value_take_string (value, g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (variant)));
  else if (type == G_TYPE_INT64 && g_variant_is_of_type (variant, G_VARIANT_TYPE_INT64))
    g_value_set_int64 (value, g_variant_get_int64 (variant));
  else if (type == G_TYPE_INT && g_variant_is_of_type (variant, G_VARIANT_TYPE_INT64))
    g_value_set_int (value, (int) g_variant_get_int64 (variant));
  else if (type == G_TYPE_BOOLEAN && g_variant_is_of_type (variant, G_VARIANT_TYPE_INT64))
    g_value_set_boolean (value, g_variant_get_int64 (variant) != 0);
  else if (type == G_TYPE_DOUBLE && g_variant_is_of_type (variant, G_VARIANT_TYPE_DOUBLE))
    g_value_set_double (value, g_variant_get_double (variant));
  else if (type == G_TYPE_DOUBLE && g_variant_is_of_type (variant, G_VARIANT_TYPE_INT64))
    g_value_set_double (value, (double) g_variant_get_int64 (variant));
  else
    {
      g_value_unset (value);
      return FALSE;
    }
  return TRUE;
}

/**
 * scim_record_update:
 * @self: a #ScimRecord
 * @row: an `a{sv}` dictionary from the store, keyed by column name; a unit
 *   value `()` stands for SQL NULL
 *
 * Sets every field named in @row and marks the record loaded.  Keys that
 * are not fields of this type are ignored.
 */
void
scim_record_update (ScimRecord *self,
                    GVariant   *row)
{
  ScimRecordPrivate *priv = scim_record_get_instance_private (self);
  GObjectClass *object_class;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_if_fail (SCIM_IS_RECORD (self));
  g_return_if_fail (g_variant_is_of_type (row, G_VARIANT_TYPE_VARDICT));

  object_class = G_OBJECT_GET_CLASS (self);
  g_object_freeze_notify (G_OBJECT (self));

  g_variant_iter_init (&iter, row);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (g_str_equal (key, "version") && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        {
          gint64 version = g_variant_get_int64 (value);
          if (version != priv->version)
            {
              priv->version = version;
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
            }
        }
      else if (!g_str_equal (key, "id"))
        {
          GParamSpec *pspec = g_object_class_find_property (object_class, key);
          GValue gvalue = G_VALUE_INIT;

          if (pspec != NULL && pspec->owner_type != SCIM_TYPE_RECORD &&
              variant_to_value (value, pspec, &gvalue))
            {
              g_object_set_property (G_OBJECT (self), pspec->name, &gvalue);
              g_value_unset (&gvalue);
            }
        }
      g_variant_unref (value);
    }

  if (!priv->loaded)
    {
      priv->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static const GValue *
field_value (ScimRecord *self,
             const char *field,
             GType       type)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), field);
  GValue *values;

  g_return_val_if_fail (pspec != NULL && pspec->owner_type != SCIM_TYPE_RECORD, NULL);
  g_return_val_if_fail (pspec->value_type == type, NULL);
  values = ensure_values (self);
  return &values[pspec->param_id - 1];
}

/**
 * scim_record_get_string:
 * @self: a #ScimRecord
 * @field: a string field
 *
 * Returns: (transfer none) (nullable): the value, owned by the record
 */
const char *
scim_record_get_string (ScimRecord *self,
                        const char *field)
{
  const GValue *value = field_value (self, field, G_TYPE_STRING);

  return value != NULL ? g_value_get_string (value) : NULL;
}

gint64
scim_record_get_int (ScimRecord *self,
                     const char *field)
{
  const GValue *value = field_value (self, field, G_TYPE_INT64);

  return value != NULL ? g_value_get_int64 (value) : 0;
}

gboolean
scim_record_get_bool (ScimRecord *self,
                      const char *field)
{
  const GValue *value = field_value (self, field, G_TYPE_BOOLEAN);

  return value != NULL ? g_value_get_boolean (value) : FALSE;
}
