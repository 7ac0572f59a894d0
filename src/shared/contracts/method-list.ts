// A domain's contract is an interface and the list of its method names, from which the doors are
// generated (the preload, the IPC handler, the HTTP RPC route, the renderer's clients). The list
// must name every method of the interface and nothing else: either mistake is a compile error.

/** `methodsOf<CaseApi>()(['caseInfo', ...])`: the list, checked against the interface. */
export function methodsOf<Api>() {
  return <const L extends readonly (keyof Api & string)[]>(
    list: L &
      ([Exclude<keyof Api, L[number]>] extends [never]
        ? unknown
        : { missing: Exclude<keyof Api, L[number]> }),
  ): L => list;
}
