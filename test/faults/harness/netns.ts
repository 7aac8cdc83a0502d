import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

/**
 * A network namespace joined to the root one by a veth pair, so a process inside reaches the
 * root namespace's addresses only over that link; `cut()` takes the link down, `heal()` brings it
 * back. Unix sockets (the OVS sandbox's database) are files and stay reachable.
 */
export class NetNamespace {
  private constructor(readonly name: string, readonly rootLink: string, readonly address: string) {}

  /** `gateway`: the root side's address on the /30 (`10.213.N.1`); the namespace gets `.2`. */
  static async create(subnet: number): Promise<NetNamespace> {
    const tag = randomBytes(3).toString('hex');
    const ns = new NetNamespace(`nft-${tag}`, `nfv${tag}r`, `10.213.${subnet}.2`);
    const inner = `nfv${tag}n`;
    const root = `10.213.${subnet}.1`;
    const ip = (...args: string[]) => execa('ip', args);
    await ip('netns', 'add', ns.name);
    try {
      await ip('link', 'add', ns.rootLink, 'type', 'veth', 'peer', 'name', inner);
      await ip('link', 'set', inner, 'netns', ns.name);
      await ip('addr', 'add', `${root}/30`, 'dev', ns.rootLink);
      await ip('link', 'set', ns.rootLink, 'up');
      await ip('-n', ns.name, 'addr', 'add', `${ns.address}/30`, 'dev', inner);
      await ip('-n', ns.name, 'link', 'set', inner, 'up');
      await ip('-n', ns.name, 'link', 'set', 'lo', 'up');
      // Everything else (the NATS cluster's address in the root namespace) goes over the veth.
      await ip('-n', ns.name, 'route', 'add', 'default', 'via', root);
      return ns;
    } catch (e) {
      await ns.remove();
      throw e;
    }
  }

  /** argv prefix that runs a program inside the namespace. */
  exec(argv: string[]): string[] { return ['ip', 'netns', 'exec', this.name, ...argv]; }

  async cut(): Promise<void> { await execa('ip', ['link', 'set', this.rootLink, 'down']); }
  async heal(): Promise<void> { await execa('ip', ['link', 'set', this.rootLink, 'up']); }

  async remove(): Promise<void> {
    await execa('ip', ['link', 'del', this.rootLink], { reject: false });
    await execa('ip', ['netns', 'del', this.name], { reject: false });
  }
}

/**
 * An address on the root namespace's loopback interface that both loopback clients and the
 * namespaces (over their veth) reach — local, routed nowhere else — for the NATS cluster to
 * listen on.
 */
export class SharedAddress {
  private constructor(readonly address: string) {}

  static async create(): Promise<SharedAddress> {
    const [a, b] = randomBytes(2);
    const shared = new SharedAddress(`10.214.${a! % 250}.${1 + (b! % 250)}`);
    await execa('ip', ['addr', 'add', `${shared.address}/32`, 'dev', 'lo']);
    return shared;
  }

  async remove(): Promise<void> { await execa('ip', ['addr', 'del', `${this.address}/32`, 'dev', 'lo'], { reject: false }); }
}
