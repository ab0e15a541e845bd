/**
 * InspIRCd 3's CAPAB lists (spanningtree 1205), read into what the link needs: ISUPPORT-style
 * tokens for the state's ServerSupport, and the user modes it may put in a UID.
 */

/** The tokens for InspIRCd 3's `CAPAB CHANMODES` list (`list:ban=b prefix:30000:op=@o ...`): PREFIX (by level) and CHANMODES. */
export function chanModeTokens(list: string): string[] {
  const groups = ['', '', '', ''];
  const prefixes: Array<{ level: number; mode: string; symbol: string }> = [];
  for (const item of list.split(' ')) {
    const eq = item.lastIndexOf('=');
    if (eq === -1) continue;
    const parts = item.slice(0, eq).split(':');
    const value = item.slice(eq + 1);
    const letter = value.at(-1) ?? '';
    if (!/^[A-Za-z]$/.test(letter)) continue;
    switch (parts[0]) {
      case 'list': groups[0] += letter; break;
      case 'param': groups[1] += letter; break;
      case 'param-set': groups[2] += letter; break;
      case 'simple': groups[3] += letter; break;
      case 'prefix':
        if (value.length === 2 && prefixes.length < 20) prefixes.push({ level: Number(parts[1]) || 0, mode: letter, symbol: value[0] as string });
        break;
    }
  }
  prefixes.sort((a, b) => b.level - a.level);
  return [`PREFIX=(${prefixes.map((p) => p.mode).join('')})${prefixes.map((p) => p.symbol).join('')}`, `CHANMODES=${groups.join(',')}`];
}

/** The tokens for `CAPAB CAPABILITIES` (NICKMAX, MAXLINE, CASEMAPPING; InspIRCd has `#` channels only). */
export function capabilityTokens(value: string): string[] {
  const tokens: string[] = ['CHANTYPES=#'];
  for (const item of value.split(' ')) {
    const [key = '', val = ''] = item.split('=', 2);
    if (key === 'NICKMAX' && /^[0-9]{1,3}$/.test(val)) tokens.push(`NICKLEN=${val}`);
    else if (key === 'MAXLINE' && /^[0-9]{3,5}$/.test(val)) tokens.push(`LINELEN=${val}`);
    else if (key === 'CASEMAPPING' || key === 'PREFIX' || key === 'CHANMODES') tokens.push(item);
  }
  return tokens;
}

/** The user modes without a parameter in `CAPAB USERMODES` (our UID lines carry no mode parameters). */
export function simpleUserModes(list: string): string[] {
  const letters = new Set<string>();
  for (const item of list.split(' ')) {
    const letter = item.at(-1) ?? '';
    if (item.startsWith('simple:') && /^[A-Za-z]$/.test(letter)) letters.add(letter);
  }
  return [...letters].slice(0, 52);
}
