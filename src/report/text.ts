// Wording shared by rule messages, explanations and renderers.

/** "a, b, c and 7 more": at most `max` names, so a message stays readable on 5,000 nodes. */
export function namesText(names: readonly string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
