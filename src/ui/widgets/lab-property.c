/* lab-property.c — the setters behind GObject properties.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include "lab-property.h"

static gboolean
notify (gpointer object, GParamSpec *pspec)
{
  if (pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (object), pspec);
  return TRUE;
}

gboolean
lab_property_set_boolean (gpointer object, gboolean *field, gboolean value, GParamSpec *pspec)
{
  value = value != FALSE;
  if (*field == value)
    return FALSE;
  *field = value;
  return notify (object, pspec);
}

gboolean
lab_property_set_double (gpointer object, double *field, double value, GParamSpec *pspec)
{
  if (*field == value || (isnan (*field) && isnan (value)))
    return FALSE;
  *field = value;
  return notify (object, pspec);
}

gboolean
lab_property_set_string (gpointer object, char **field, const char *value, GParamSpec *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return notify (object, pspec);
}
