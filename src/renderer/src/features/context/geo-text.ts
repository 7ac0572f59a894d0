// Country and AS as the workspace shows them: the ISO code in the grids (a flag emoji needs a
// colour emoji font many desktops lack, and then shows as two letters in a box), the country's
// name in English on hover, and the AS as "AS15169 GOOGLE".

let names: Intl.DisplayNames | null | undefined;

/** "United States" for "US"; the code itself when the browser has no name for it. */
export function countryName(code: string | null | undefined): string {
  if (!code) return '';
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames(['en'], { type: 'region' });
    } catch {
      names = null;
    }
  }
  try {
    return names?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** "AS15169 GOOGLE", "AS15169", or '' when there is no AS. */
export function asText(asn: number | null | undefined, org?: string | null): string {
  if (asn == null) return '';
  return org ? `AS${asn} ${org}` : `AS${asn}`;
}

/** "US · AS15169 GOOGLE" (either part may be missing), '' when nothing is known. */
export function geoText(
  country: string | null | undefined,
  asn: number | null | undefined,
  org?: string | null,
): string {
  return [country, asText(asn, org)].filter(Boolean).join(' · ');
}
